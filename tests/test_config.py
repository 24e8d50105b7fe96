"""The TOML config: defaults, precedence, and one-line errors that name the file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config, resolve_db_url
from newsmon.cli.config import JIANGSU
from tests.cli import newsmon

GOOD = """\
[monitor]
keywords = ["新春第一会", "第一会"]

[[sites]]
name = "a"
start_urls = ["http://127.0.0.1:1/list.html"]
interval_minutes = 5

[[sites]]
name = "b"
feeds = ["http://127.0.0.1:1/rss.xml"]
cron = "*/10 * * * *"
concurrency = 32
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    assert config.keywords == ("新春第一会", "第一会")
    assert [s.name for s in config.sites] == ["a", "b"]
    assert config.site("a").interval_minutes == 5.0
    assert config.site("b").cron == "*/10 * * * *"
    assert config.site("b").concurrency == 32
    assert config.site("a").concurrency == 4  # the polite default


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[monitor\nkeywords = []", "invalid TOML"),
        ('[monitor]\nkeywords = "新春第一会"\n', "config.toml:2: monitor.keywords: expected list"),
        (
            "[monitor]\nkeywords = [1]\n",
            "config.toml:2: monitor.keywords: expected a list of non-empty strings",
        ),
        (
            GOOD.replace("concurrency = 32", 'concurrency = "32"'),
            "config.toml:13: sites[b].concurrency: expected int, got str",
        ),
        (
            GOOD.replace("interval_minutes = 5", "interval_minutes = -1"),
            "config.toml:7: sites[a].interval_minutes: must be positive",
        ),
        (
            GOOD.replace('name = "b"', 'name = "a"'),
            "config.toml:10: sites[1].name: duplicate site name 'a'",
        ),
        (
            GOOD.replace("interval_minutes = 5", 'interval_minutes = 5\ncron = "* * * * *"'),
            "sites[a].cron: give either cron or interval_minutes",
        ),
        (
            GOOD.replace(
                'start_urls = ["http://127.0.0.1:1/list.html"]', 'start_urls = ["ftp://x/list"]'
            ),
            "config.toml:6: sites[a].start_urls: not an http(s) URL",
        ),
        (
            GOOD.replace("interval_minutes = 5", "download_delay = -1"),
            "config.toml:7: sites[a].download_delay: must be 0 or more seconds",
        ),
        (
            GOOD.replace("interval_minutes = 5", "concurrency = 0"),
            "config.toml:7: sites[a].concurrency: must be at least 1",
        ),
        (
            GOOD.replace("interval_minutes = 5", "colour = 5"),
            "config.toml:7: sites[0].colour: unknown key",
        ),
        (
            GOOD.replace('feeds = ["http://127.0.0.1:1/rss.xml"]', ""),
            "sites[b].start_urls: a site needs start_urls, sitemaps, feeds, listing_api or epaper",
        ),
        (
            GOOD
            + '\n[[sites]]\nname = "c"\nstart_urls = ["http://x/"]\narticle_url_pattern = "("\n',
            "sites[c].article_url_pattern: invalid regex",
        ),
        (
            GOOD
            + '\n[[sites]]\nname = "d"\nlisting_api = "http://x/api"\nitem_url = "data[].url"\n',
            "sites[d].listing_api: expected an http(s) URL with a {page} placeholder",
        ),
        (
            GOOD + '\n[[sites]]\nname = "d"\nlisting_api = "http://x/api?page={page}"\n',
            "sites[d].item_url: listing_api needs item_url",
        ),
        (
            GOOD
            + '\n[[sites]]\nname = "d"\nlisting_api = "http://x/?p={page}"\nitem_url = "data..url"\n',
            "sites[d].item_url: bad step",
        ),
        (
            GOOD + '\n[[sites]]\nname = "d"\nepaper = "http://x/{date:%Y}/{month}/node_1.htm"\n',
            "sites[d].epaper: cannot fill in the date",
        ),
        (
            GOOD + '\n[[sites]]\nname = "d"\nepaper = "http://x/{date:%Y}/node_1.htm"\n',
            "sites[d].epaper: the date placeholders do not reach the day",
        ),
        (
            GOOD
            + '\n[[sites]]\nname = "d"\nstart_urls = ["http://x/"]\nallowed_domains = ["http://x.cn/"]\n',
            "sites[d].allowed_domains: not a host or domain",
        ),
        (
            '[redis]\nurl = "http://127.0.0.1:6379"\n',
            "config.toml:2: redis.url: not a redis:// URL",
        ),
        (
            "[monitor]\n\n\n\nkeywords = 3\n",
            "config.toml:5: monitor.keywords",
        ),
    ],
)
def test_invalid_files_name_the_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, text))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_precedence_of_the_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(_write(tmp_path, '[database]\nurl = "sqlite:///from-config.db"\n'))
    monkeypatch.delenv("NEWSMON_DB_URL", raising=False)
    monkeypatch.setenv("NEWSMON_HOME", str(tmp_path / "home"))
    assert resolve_db_url(None, None) == f"sqlite:///{tmp_path / 'home' / 'newsmon.sqlite3'}"
    assert resolve_db_url(None, config) == "sqlite:///from-config.db"
    monkeypatch.setenv("NEWSMON_DB_URL", "sqlite:///from-env.db")
    assert resolve_db_url(None, config) == "sqlite:///from-env.db"
    assert resolve_db_url("sqlite:///from-flag.db", config) == "sqlite:///from-flag.db"


def test_options_given_before_the_command_count_and_after_it_win(tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"
    before = newsmon("--db", f"sqlite:///{first}", "db", "current", home=tmp_path)
    assert before.returncode == 0, before.stderr
    assert str(first) in before.stdout
    both = newsmon(
        "--db", f"sqlite:///{first}", "db", "current", "--db", f"sqlite:///{second}", home=tmp_path
    )
    assert both.returncode == 0, both.stderr
    assert str(second) in both.stdout
    assert str(first) not in both.stdout
    (tmp_path / "bad.toml").write_text("[monitor]\nkeywords = 3\n", encoding="utf-8")
    bad = newsmon("--config", str(tmp_path / "bad.toml"), "config", "check", home=tmp_path)
    assert bad.returncode == 2
    assert "bad.toml:2: monitor.keywords" in bad.stderr


def test_a_named_config_that_is_missing_is_an_error_but_no_config_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSMON_HOME", str(tmp_path))
    monkeypatch.delenv("NEWSMON_CONFIG", raising=False)
    assert load_config().sites == []
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    monkeypatch.setenv("NEWSMON_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="config file not found"):
        load_config()


def test_the_shipped_jiangsu_config_is_valid_and_marked_unverifiable() -> None:
    config = load_config(JIANGSU)
    assert len(config.sites) >= 6
    assert all(not s.verifiable_offline for s in config.sites)
    assert config.keywords == ("新春第一会",)


def test_config_init_and_check(tmp_path: Path) -> None:
    assert newsmon("config", "init", home=tmp_path).returncode == 0
    assert (tmp_path / "config.toml").read_bytes() == JIANGSU.read_bytes()
    again = newsmon("config", "init", home=tmp_path)
    assert again.returncode == 2
    assert "exists" in again.stderr
    check = newsmon("config", "check", home=tmp_path)
    assert check.returncode == 0
    assert "xhby" in check.stdout
    (tmp_path / "config.toml").write_text("[monitor]\nkeywords = 3\n", encoding="utf-8")
    bad = newsmon("config", "check", home=tmp_path)
    assert bad.returncode == 2
    assert "config.toml:2: monitor.keywords" in bad.stderr


def test_config_check_prints_each_sites_schedule(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        "[scheduler]\ndefault_interval_minutes = 45\n\n"
        '[[sites]]\nname = "a"\nstart_urls = ["http://127.0.0.1:1/"]\n\n'
        '[[sites]]\nname = "b"\nstart_urls = ["http://127.0.0.1:1/"]\ninterval_minutes = 10\n\n'
        '[[sites]]\nname = "c"\nstart_urls = ["http://127.0.0.1:1/"]\ncron = "0 7 * * *"\n',
        encoding="utf-8",
    )
    check = newsmon("config", "check", home=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "a: 1 sources, every 45 min ([scheduler] default)" in check.stdout
    assert "b: 1 sources, every 10 min," in check.stdout
    assert "c: 1 sources, cron 0 7 * * *," in check.stdout


def test_discovery_keys(tmp_path: Path) -> None:
    text = (
        '[[sites]]\nname = "paper"\nepaper = "http://epaper.example.cn/html/{date:%Y-%m}/{date:%d}/node_1.htm"\n'
        'allowed_domains = ["Example.cn", "cdn.example.net"]\n'
        '[[sites]]\nname = "api"\nlisting_api = "https://example.cn/api/list?page={page}"\n'
        'item_url = "data.list[].url"\n'
    )
    config = load_config(_write(tmp_path, text))
    paper, api = config.site("paper"), config.site("api")
    assert paper.epaper.endswith("{date:%d}/node_1.htm")
    assert paper.start_urls == []
    assert paper.allowed_domains == ["example.cn", "cdn.example.net"]
    assert (api.listing_api, api.item_url) == (
        "https://example.cn/api/list?page={page}",
        "data.list[].url",
    )


SECRET = "s3cret-" + "x" * 20


def test_the_web_table_token_and_bound(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, GOOD)).web.token is None  # off unless configured
    config = load_config(_write(tmp_path, f'[web]\ntoken = "{SECRET}"\nmax_crawls = 3\n'))
    assert (config.web.token, config.web.max_crawls) == (SECRET, 3)
    assert SECRET not in repr(config)  # nor in anything that prints the config


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('token = ""', ":2: web.token: empty; remove the key"),
        ('token = "abc123"', ":2: web.token: too short: at least 16 characters"),
        ('token = "has a space in it, quite long"', ":2: web.token: must not contain spaces"),
        ("token = 12345678901234567890", ":2: web.token: expected str, got int"),
        ("max_crawls = 0", ":2: web.max_crawls: must be at least 1"),
        ('tokn = "x"', ":2: web.tokn: unknown key (known: max_crawls, token)"),
    ],
)
def test_a_bad_web_table_names_line_and_key_never_the_token(
    tmp_path: Path, table: str, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(_write(tmp_path, f"[web]\n{table}\n"))
    assert message in str(error.value)
    assert "abc123" not in str(error.value)  # the token is a secret, even a bad one
    assert "has a space" not in str(error.value)
