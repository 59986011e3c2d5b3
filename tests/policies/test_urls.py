"""The hostile-input gate, and spoofed URLs across every marketplace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipp_rules.policies import (
    MAX_URL_LENGTH,
    ParsedUrl,
    SafeUrl,
    UrlProblem,
    identify_url,
    inspect_url,
)

GENUINE = (
    "https://item.taobao.com/item.htm?id=680000000001",
    "https://shop123456789.taobao.com/",
    "https://detail.tmall.com/item.htm?id=680000000002",
    "https://nike.tmall.com/",
    "https://detail.tmall.hk/hk/item.htm?id=680000000003",
    "https://detail.1688.com/offer/620000000004.html",
    "https://shopabc123.1688.com/",
    "https://www.aliexpress.com/item/1005001234567890.html",
    "https://www.aliexpress.com/store/1234567",
    "https://www.alibaba.com/product-detail/Some-Product-Slug_1600123456789.html",
    "https://acme.en.alibaba.com/",
    "https://www.lazada.co.th/products/example-i123456789-s987654321.html",
    "https://www.lazada.sg/shop/nike-official-store/",
)

# Characters a URL may never contain, wherever they are.
FORBIDDEN = (
    "\\",
    " ",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x00",
    "\x01",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9b",
    "\x9f",
    "\xa0",
    "\xad",
    "\u1680",
    "\u180e",
    "\u2000",
    "\u200a",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2060",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u3000",
    "\u3164",
    "\ufeff",
)

forbidden_characters = st.one_of(
    st.sampled_from(FORBIDDEN),
    st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]),
)

TAOBAO_ITEM = "item.htm?id=680000000001"
LAZADA_PATH = "/products/example-i123456789-s987654321.html"
ALIEXPRESS_PATH = "/item/1005001234567890.html"
ALIBABA_PATH = "/product-detail/Some-Product-Slug_1600123456789.html"
PAD = "&spm=" + "a" * MAX_URL_LENGTH

# (hostile URL, the marketplace it imitates, what identify_url must answer: a problem, or
# None for a well-formed URL that is no marketplace's).
SPOOFS: list[tuple[str, str, UrlProblem | None]] = [
    # Taobao
    (f"https://item.taobao.com.evil.example/{TAOBAO_ITEM}", "taobao", None),
    (f"https://eviltaobao.com/{TAOBAO_ITEM}", "taobao", None),
    (f"https://item-taobao.com/{TAOBAO_ITEM}", "taobao", None),
    (f"https://item.taobao.co/{TAOBAO_ITEM}", "taobao", None),
    (f"https://taobao.com.evil.example/{TAOBAO_ITEM}", "taobao", None),
    (f"https://item.taobao.com@evil.example/{TAOBAO_ITEM}", "taobao", UrlProblem.userinfo),
    (f"https://user:pass@item.taobao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.userinfo),
    ("https://item.taobao.com\\@evil.example/", "taobao", UrlProblem.backslash),
    (f"https://it%65m.taobao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.percent_encoded_host),
    (f"https://item.t\u0430obao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.idn_host),
    (f"https://item.xn--tobao-4ve.com/{TAOBAO_ITEM}", "taobao", UrlProblem.idn_host),
    (f"https://item.taobao.com./{TAOBAO_ITEM}", "taobao", UrlProblem.bad_host),
    (f"https://.item.taobao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.bad_host),
    (f"https://item..taobao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.bad_host),
    (f" https://item.taobao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.whitespace),
    (f"https://item.taobao.com/{TAOBAO_ITEM} ", "taobao", UrlProblem.whitespace),
    ("https://item.taobao.com/item.htm?id=68000\n0000001", "taobao", UrlProblem.whitespace),
    (f"https://item.taobao.com/{TAOBAO_ITEM}&id=1", "taobao", UrlProblem.ambiguous_query),
    (f"https://item.taobao.com/{TAOBAO_ITEM}&%69d=1", "taobao", UrlProblem.ambiguous_query),
    (f"https://item.taobao.com:8080/{TAOBAO_ITEM}", "taobao", UrlProblem.port),
    (f"http://3232235777/{TAOBAO_ITEM}", "taobao", UrlProblem.ip_host),
    (f"javascript:alert(1)//item.taobao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.not_http),
    (f"//item.taobao.com/{TAOBAO_ITEM}", "taobao", UrlProblem.missing_scheme),
    (f"https://item.taobao.com/{TAOBAO_ITEM}{PAD}", "taobao", UrlProblem.too_long),
    ("https://shop123456789.taobao.com.evil.example/", "taobao", None),
    ("https://shop123456789.evil-taobao.com/", "taobao", None),
    ("https://item.taobao.com/item.htm#?id=680000000001", "taobao", None),
    # Tmall
    ("https://detail.tmall.com.evil.example/item.htm?id=1", "tmall", None),
    ("https://detail.tmall.co/item.htm?id=1", "tmall", None),
    ("https://detail.tmaII.com/item.htm?id=1", "tmall", None),
    ("https://detail.tmall.com\u202e/item.htm?id=1", "tmall", UrlProblem.control_character),
    ("https://detail.tmall.com/item.htm?id=1\u200b", "tmall", UrlProblem.control_character),
    ("https://detail.tmall.com:443@evil.example/", "tmall", UrlProblem.userinfo),
    ("https://[::ffff:127.0.0.1]/item.htm?id=1", "tmall", UrlProblem.ip_host),
    ("https://www.tmall.com/", "tmall", None),
    ("https://login.tmall.com/", "tmall", None),
    ("https://nike.tmall.com.evil.example/", "tmall", None),
    ("https://detail.tmall.com/item.htm?id=1&id=2", "tmall", UrlProblem.ambiguous_query),
    ("https://detail.tmall.com/item.htm?id=1\x00", "tmall", UrlProblem.control_character),
    ("https://detail.tmall.com/item.htm?id=1\x7f", "tmall", UrlProblem.control_character),
    ("https://detail.tmall.com/item.htm?id=1\x9b", "tmall", UrlProblem.control_character),
    # Tmall Global
    ("https://detail.tmall.hk.evil.example/hk/item.htm?id=1", "tmall_global", None),
    ("https://detail.tmall.hk/hk/item.htm?id=1&id=2", "tmall_global", UrlProblem.ambiguous_query),
    ("https://detail.tmall.hk\\hk/item.htm?id=1", "tmall_global", UrlProblem.backslash),
    (
        "https://detail.tmall.hk/hk/item.htm?id=1\ufeff",
        "tmall_global",
        UrlProblem.control_character,
    ),
    ("https://www.tmall.hk/", "tmall_global", None),
    ("http://detail.tmall.hk:80@evil.example/", "tmall_global", UrlProblem.userinfo),
    ("https://detail.tmall.hk:8443/hk/item.htm?id=1", "tmall_global", UrlProblem.port),
    # 1688
    ("https://detail.1688.com.evil.example/offer/1.html", "1688", None),
    ("https://detail.l688.com/offer/1.html", "1688", None),
    ("https://detail.1688.com@evil.example/offer/1.html", "1688", UrlProblem.userinfo),
    ("https://detail.1688.com:8443/offer/1.html", "1688", UrlProblem.port),
    ("https://detai1.1688.com/offer/1.html", "1688", None),
    ("https://1688.com.evil.example/offer/1.html", "1688", None),
    ("https://detail.1688.com/offer/../offer/1.html", "1688", UrlProblem.path_traversal),
    ("ftp://detail.1688.com/offer/1.html", "1688", UrlProblem.not_http),
    ("https://www.1688.com/", "1688", None),
    ("http://0x7f000001/offer/1.html", "1688", UrlProblem.ip_host),
    ("http://0177.0.0.1/offer/1.html", "1688", UrlProblem.ip_host),
    ("https:detail.1688.com/offer/1.html", "1688", UrlProblem.malformed),
    # AliExpress
    (f"https://www.aliexpress.com.evil.example{ALIEXPRESS_PATH}", "aliexpress", None),
    (f"https://www.aliexpress.co{ALIEXPRESS_PATH}", "aliexpress", None),
    (f"https://www.aIiexpress.com{ALIEXPRESS_PATH}", "aliexpress", None),
    (f"https://www.\u0430liexpress.com{ALIEXPRESS_PATH}", "aliexpress", UrlProblem.idn_host),
    (f"https://www.xn--liexpress-zyh.com{ALIEXPRESS_PATH}", "aliexpress", UrlProblem.idn_host),
    (
        f"https://www.aliexpress.com{ALIEXPRESS_PATH}\u2066",
        "aliexpress",
        UrlProblem.control_character,
    ),
    ("data:text/html;base64,PHNjcmlwdD4=", "aliexpress", UrlProblem.not_http),
    (
        f"https://www.aliexpress.com%2eevil.example{ALIEXPRESS_PATH}",
        "aliexpress",
        UrlProblem.percent_encoded_host,
    ),
    ("https://www.aliexpress.com:444/store/1234567", "aliexpress", UrlProblem.port),
    (f"https://evil.example/www.aliexpress.com{ALIEXPRESS_PATH}", "aliexpress", None),
    (f"https://www.aliexpress.com\t{ALIEXPRESS_PATH}", "aliexpress", UrlProblem.whitespace),
    (f"https://www.aliexpress.ru{ALIEXPRESS_PATH}", "aliexpress", None),
    # Alibaba.com
    (f"https://www.alibaba.com.evil.example{ALIBABA_PATH}", "alibaba_com", None),
    (f"https://www.alibaba.co{ALIBABA_PATH}", "alibaba_com", None),
    (f"https://www.aIibaba.com{ALIBABA_PATH}", "alibaba_com", None),
    ("https://acme.en.alibaba.com.evil.example/", "alibaba_com", None),
    ("https://acme.en.alibaba.com@evil.example/", "alibaba_com", UrlProblem.userinfo),
    (f"https://www.alibaba.com{ALIBABA_PATH}/..", "alibaba_com", UrlProblem.path_traversal),
    (f"HTTPS://WWW.ALIBABA.COM:8080{ALIBABA_PATH}", "alibaba_com", UrlProblem.port),
    (
        f"https://www.alibaba.com{ALIBABA_PATH}\u202a",
        "alibaba_com",
        UrlProblem.control_character,
    ),
    ("https://www.alibaba.com/product-detail/Slug_16001%323456789.html", "alibaba_com", None),
    # Lazada
    (f"https://www.lazada.co.th.evil.example{LAZADA_PATH}", "lazada", None),
    (f"https://www.lazada.co{LAZADA_PATH}", "lazada", None),
    (f"https://www.lazada.com{LAZADA_PATH}", "lazada", None),
    (f"https://lazada.co.th-evil.example{LAZADA_PATH}", "lazada", None),
    (f"https://evil.example{LAZADA_PATH}", "lazada", None),
    (f"https://item.taobao.com{LAZADA_PATH}", "lazada", None),
    ("https://www.lazada.sg@evil.example/shop/nike/", "lazada", UrlProblem.userinfo),
    (f"https://www.lazada.vn:8080{LAZADA_PATH}", "lazada", UrlProblem.port),
    (
        f"https://www.lazada.co.id%2eevil.example{LAZADA_PATH}",
        "lazada",
        UrlProblem.percent_encoded_host,
    ),
    (f"https://www.l\u0430zada.com.my{LAZADA_PATH}", "lazada", UrlProblem.idn_host),
    (f"https://www.xn--lzada-4ve.com.my{LAZADA_PATH}", "lazada", UrlProblem.idn_host),
    (f"https://www.lazada.com.ph{LAZADA_PATH}\u2067", "lazada", UrlProblem.control_character),
    (f"http://[2001:db8::1]{LAZADA_PATH}", "lazada", UrlProblem.ip_host),
    ("https://www.lazada.co.th/products/../shop/evil/", "lazada", UrlProblem.path_traversal),
    ("https://www.lazada.co.th/shop/evil%2f..%2fx/", "lazada", UrlProblem.path_traversal),
    (f"https://www.lazada.sg{LAZADA_PATH}\u3000", "lazada", UrlProblem.whitespace),
    (f"https://www.lazada.sg{LAZADA_PATH}\xa0", "lazada", UrlProblem.whitespace),
    (f"https://www.lazada.sg:0{LAZADA_PATH}", "lazada", UrlProblem.port),
    (f"https://www.lazada.sg:{LAZADA_PATH}", "lazada", UrlProblem.malformed),
]


def test_the_spoof_table_is_wide() -> None:
    assert len(SPOOFS) >= 60
    imitated = {marketplace for _, marketplace, _ in SPOOFS}
    assert imitated == {
        "taobao",
        "tmall",
        "tmall_global",
        "1688",
        "aliexpress",
        "alibaba_com",
        "lazada",
    }


@pytest.mark.parametrize(("url", "imitated", "expected"), SPOOFS)
def test_spoofed_urls_are_not_identified(
    url: str, imitated: str, expected: UrlProblem | None
) -> None:
    found = identify_url(url)
    assert not (isinstance(found, ParsedUrl) and found.marketplace == imitated)
    assert found == expected


@pytest.mark.parametrize("url", GENUINE)
def test_genuine_urls_pass_the_gate(url: str) -> None:
    safe = inspect_url(url)
    assert isinstance(safe, SafeUrl)
    assert safe.text == url
    assert isinstance(identify_url(url), ParsedUrl)


@given(url=st.sampled_from(GENUINE), character=forbidden_characters, data=st.data())
def test_a_forbidden_character_anywhere_is_never_identified(
    url: str, character: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(min_value=0, max_value=len(url)), label="at")
    tampered = url[:at] + character + url[at:]
    assert isinstance(identify_url(tampered), UrlProblem)


@given(prefix=st.text(max_size=60), suffix=st.text(max_size=60), character=forbidden_characters)
def test_any_text_with_a_forbidden_character_is_refused(
    prefix: str, suffix: str, character: str
) -> None:
    assert isinstance(inspect_url(prefix + character + suffix), UrlProblem)


@given(text=st.text(max_size=300))
def test_the_gate_answers_any_text_without_raising(text: str) -> None:
    assert isinstance(inspect_url(text), SafeUrl | UrlProblem)


LABEL = st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)
MARKETPLACE_HOSTS = (
    "item.taobao.com",
    "shop123.taobao.com",
    "detail.tmall.com",
    "nike.tmall.com",
    "detail.tmall.hk",
    "detail.1688.com",
    "www.aliexpress.com",
    "www.alibaba.com",
    "acme.en.alibaba.com",
    "www.lazada.co.th",
    "lazada.vn",
)
MARKETPLACE_DOMAINS = (
    "taobao.com",
    "tmall.com",
    "tmall.hk",
    "1688.com",
    "aliexpress.com",
    "aliexpress.us",
    "alibaba.com",
    "lazada.co.id",
    "lazada.com.my",
    "lazada.com.ph",
    "lazada.sg",
    "lazada.co.th",
    "lazada.vn",
)
SPOOF_PATHS = (
    "/item.htm?id=1",
    "/hk/item.htm?id=1",
    "/offer/1.html",
    "/item/1.html",
    "/store/1",
    "/product-detail/x_1.html",
    "/products/x-i1.html",
    "/shop/x/",
    "/",
)


@given(
    host=st.sampled_from(MARKETPLACE_HOSTS),
    domain=st.sampled_from(MARKETPLACE_DOMAINS),
    label=LABEL,
    glue=st.sampled_from(["", "-"]),
    path=st.sampled_from(SPOOF_PATHS),
)
def test_a_marketplace_name_inside_another_domain_is_never_identified(
    host: str, domain: str, label: str, glue: str, path: str
) -> None:
    assert identify_url(f"https://{host}.{label}.example{path}") is None
    assert identify_url(f"https://{host}-{label}.example{path}") is None
    assert identify_url(f"https://{label}{glue}{domain}{path}") is None
    assert identify_url(f"https://www.{label}{glue}{domain}{path}") is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://item.taobao.com/" + "a" * (MAX_URL_LENGTH - 24), None),
        ("https://item.taobao.com/" + "a" * (MAX_URL_LENGTH - 23), UrlProblem.too_long),
        ("HTTP://ITEM.TAOBAO.COM/item.htm?id=1", None),
        ("https://item.taobao.com:443/item.htm?id=1", None),
        ("http://item.taobao.com:80/item.htm?id=1", None),
        ("http://item.taobao.com:443/item.htm?id=1", UrlProblem.port),
        ("https://item.taobao.com:99999/", UrlProblem.port),
        ("https://item.taobao.com:4a/", UrlProblem.malformed),
        ("https://a:b:c/", UrlProblem.malformed),
        ("https://", UrlProblem.malformed),
        ("https:///item.taobao.com/", UrlProblem.malformed),
        ("https:/item.taobao.com/", UrlProblem.malformed),
        ("https://item.taobao.com/%zz", UrlProblem.malformed),
        ("https://item.taobao.com/%", UrlProblem.malformed),
        ("mailto:someone@taobao.com", UrlProblem.not_http),
        ("file:///etc/passwd", UrlProblem.not_http),
        ("hTtPs://item.taobao.com/", None),
        ("item.taobao.com/item.htm?id=1", UrlProblem.missing_scheme),
        ("", UrlProblem.missing_scheme),
        ("\uff48\uff54\uff54\uff50\uff53://item.taobao.com/", UrlProblem.missing_scheme),
        ("http://127.0.0.1/", UrlProblem.ip_host),
        ("http://127.1/", UrlProblem.ip_host),
        ("http://0x7f.0x0.0x0.0x1/", UrlProblem.ip_host),
        ("http://127.0.0.1./", UrlProblem.ip_host),
        ("http://[::1]/", UrlProblem.ip_host),
        ("http://[::1/", UrlProblem.ip_host),
        ("https://\u212aaobao.com/", UrlProblem.idn_host),
        ("https://taobao\u3002com/", UrlProblem.idn_host),
        ("https://XN--TOBAO-4VE.com/", UrlProblem.idn_host),
        ("https://taobao.com%00.evil.example/", UrlProblem.percent_encoded_host),
        ("https://tao_bao.com/", UrlProblem.bad_host),
        ("https://tao*bao.com/", UrlProblem.bad_host),
        ("https://-taobao.com/", UrlProblem.bad_host),
        ("https://taobao-.com/", UrlProblem.bad_host),
        ("https://" + "a" * 64 + ".com/", UrlProblem.bad_host),
        ("https://" + "a." * 127 + "com/", UrlProblem.bad_host),
        ("https://item.taobao.com/./item.htm", UrlProblem.path_traversal),
        ("https://item.taobao.com/%2E%2E/item.htm", UrlProblem.path_traversal),
        ("https://item.taobao.com/a%5Cb", UrlProblem.path_traversal),
        ("https://item.taobao.com/a..b/item.htm", None),
    ],
)
def test_gate_problems(url: str, problem: UrlProblem | None) -> None:
    found = inspect_url(url)
    if problem is None:
        assert isinstance(found, SafeUrl)
    else:
        assert found == problem


def test_a_safe_url_is_split_with_a_lower_case_host() -> None:
    safe = inspect_url("HTTPS://Item.TaoBao.com:443/item.htm?spm=a.b&id=7#Reviews")
    assert safe == SafeUrl(
        text="HTTPS://Item.TaoBao.com:443/item.htm?spm=a.b&id=7#Reviews",
        scheme="https",
        host="item.taobao.com",
        path="/item.htm",
        query="spm=a.b&id=7",
        fragment="Reviews",
        port=443,
    )


def test_query_values_decode_names_but_not_values() -> None:
    safe = inspect_url("https://a.example/?id=1&%69d=%32&x=id&id&ID=3&+id=4")
    assert isinstance(safe, SafeUrl)
    assert safe.query_values("id") == ("1", "%32", "")
    assert safe.query_values("x") == ("id",)
    assert safe.query_values("missing") == ()


def test_every_problem_has_a_plain_description() -> None:
    descriptions = [problem.description for problem in UrlProblem]
    assert all(text.startswith("the URL") and "_" not in text for text in descriptions)
    assert len(set(descriptions)) == len(descriptions)
    assert UrlProblem.userinfo.description.startswith("the URL has a user name")
