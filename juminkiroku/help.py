"""ヘルプ機能 (標準仕様書 10.5): the on-screen manual of 住民記録.

One topic per group of screens, written for clerks; every 住民記録 screen (by its URL
name) maps to a topic, and the page header links to it. ``search`` finds topics by words
in their title or text. The manual is data (``data/help.toml``), not templates, so a test
can check that no screen is left without help.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    body: tuple[str, ...]  # paragraphs

    def text(self) -> str:
        return self.title + "\n" + "\n".join(self.body)


def _load() -> dict[str, Topic]:
    with (Path(__file__).parent / "data" / "help.toml").open("rb") as f:
        data = tomllib.load(f)
    return {
        t["key"]: Topic(str(t["key"]), str(t["title"]), tuple(str(p) for p in t["body"]))
        for t in data["topic"]
    }


TOPICS: dict[str, Topic] = _load()

# URL name → topic. Prefixes are tried longest first; the header links a screen without
# a topic to the help index (a test requires every 住民記録 screen to have one).
PREFIXES: tuple[tuple[str, str], ...] = (
    ("gyomu_entry_", "gyomu"),
    ("jk_search", "search"),
    ("jk_person", "person"),
    ("jk_setai", "person"),
    ("jk_ido_csv", "csvin"),
    ("jk_ido", "ido"),
    ("juminkiroku_shomei_csv", "csvin"),
    ("jk_shien", "yokushi"),
    ("jk_yokushi", "yokushi"),
    ("juminkiroku_koin", "shomei"),
    ("juminkiroku_shomei", "shomei"),
    ("juminkiroku_kofu", "shomei"),
    ("juminkiroku_inkan", "inkan"),
    ("juminkiroku_senkyo", "rosters"),
    ("juminkiroku_gakurei", "rosters"),
    ("juminkiroku_tokei", "rosters"),
    ("juminkiroku_accesslog", "reports"),
    ("juminkiroku_login_counts", "reports"),
    ("juminkiroku_dotai", "reports"),
    ("jk_jutogai", "jutogai"),
    ("juminkiroku_tenshutsu", "tenshutsu"),
    ("juminkiroku_tennyu", "tenshutsu"),
    ("jk_cs_", "cs"),
    ("jk_fuhyo_", "fuhyo"),
    ("jk_tagyo", "tagyo"),
    ("jk_person_tagyo", "tagyo"),
    ("jk_togo_", "togo"),
    ("jk_pf_", "togo"),
    ("juminkiroku_chushutsu", "chushutsu"),
    ("jk_euc_", "euc"),
    ("juminkiroku_jisho", "jisho"),
    ("juminkiroku_chiku", "jisho"),
    ("jk_help", "help"),
    ("jk_kisai", "kisai"),
    ("jk_moji", "kisai"),
    ("juminkiroku_banchi", "jisho"),
    ("juminkiroku_katagaki", "jisho"),
    ("jk_kouho_", "ido"),
    ("juminkiroku_ikkatsu", "jisho"),
    ("jk_nyukan_", "nyukan"),
    ("jk_jijitsujo", "person"),
    ("juminkiroku_ido_moshide", "tsuchi"),
    ("juminkiroku_setainushi_fuzai", "tsuchi"),
    ("juminkiroku_tsuchi", "tsuchi"),
    ("juminkiroku_koken", "tsuchi"),
    ("juminkiroku_etsuran", "etsuran"),
    ("juminkiroku_johyo", "johyo"),
)


def topic_for_screen(url_name: str) -> Topic | None:
    """The topic of a screen, or None for a name that is not a 住民記録 screen."""
    for prefix, key in sorted(PREFIXES, key=lambda p: -len(p[0])):
        if url_name.startswith(prefix):
            return TOPICS[key]
    return None


def search(words: str) -> list[Topic]:
    """Topics holding every word (space-separated, full- or half-width space)."""
    terms = [w for w in words.replace("\u3000", " ").split() if w]
    if not terms:
        return list(TOPICS.values())
    return [t for t in TOPICS.values() if all(w.lower() in t.text().lower() for w in terms)]
