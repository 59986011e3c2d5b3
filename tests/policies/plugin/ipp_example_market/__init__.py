"""ExampleMart: a marketplace added to ipp-rules by a plugin, with no change to the library."""

from ipp_rules.policies import CalendarSpec, MarketplacePolicy, UrlForm


class ExampleMartPolicy(MarketplacePolicy):
    id = "examplemart"
    name = "ExampleMart"
    group = "examplemart"
    category_table = "categories_examplemart"
    home_timezone = "Asia/Singapore"
    home_calendar = CalendarSpec("SG")
    url_forms = (
        UrlForm(
            "listing",
            hosts=("www.examplemart.sg",),
            path=r"/p/(?P<id>[0-9]{1,20})",
            canonical="https://www.examplemart.sg/p/{id}",
        ),
        UrlForm(
            "store",
            hosts=("www.examplemart.sg",),
            path=r"/s/(?P<id>[^/]{1,60})/?",
            id_pattern=r"[a-z0-9-]{1,60}",
            canonical="https://www.examplemart.sg/s/{id}",
        ),
    )
