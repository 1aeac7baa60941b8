"""Synthetic wire stories, rendered in the wire formats wirelake reads.

Used by ``make demo`` and by the tests and benchmarks that need inputs of a
known shape. Everything here is made up (no agency text): stories are built
from a small word bank with a seeded random generator, so the same seed gives
the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

PLACES = ["LONDON", "PARIS", "BERLIN", "NEW YORK", "TOKYO", "NAIROBI", "SYDNEY", "MADRID",
          "TORONTO", "SEOUL", "CAIRO", "LIMA"]
SUBJECTS = ["central bank", "port authority", "football federation", "city council",
            "energy regulator", "wine growers", "space agency", "rail operator", "museum",
            "weather service", "shipping group", "chip maker"]
VERBS = ["raised", "cut", "defended", "unveiled", "postponed", "approved", "questioned",
         "expanded", "reviewed", "suspended"]
OBJECTS = ["its forecast", "a new plan", "the budget", "ticket prices", "the merger",
           "a safety review", "export quotas", "the season opener", "its lending rate",
           "a pilot project"]
FILLER = ["Officials said the decision followed months of talks.",
          "Analysts had expected a smaller change.",
          "The move drew criticism from opposition lawmakers.",
          "Shares in the sector rose in early trading.",
          "A spokesperson declined to comment further.",
          "Local media reported long queues on Monday.",
          "The figures will be revised next quarter.",
          "Unions said they would study the proposal closely.",
          "Similar measures were introduced last year.",
          "Residents welcomed the announcement."]
PEOPLE = ["Ana Lopez", "Ben Okafor", "Chen Wei", "Dora Novak", "Emil Berg", "Farah Haddad",
          "Goran Ilic", "Hana Sato", "Ivan Petrov", "Julia Costa"]


@dataclass
class SyntheticStory:
    provider: str
    guid: str
    headline: str
    paragraphs: list[str]
    published_at: datetime
    place: str
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    version: int = 1


def make_story(rng: random.Random, provider: str, published_at: datetime, n: int) -> SyntheticStory:
    subject, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
    place = rng.choice(PLACES)
    number = rng.randint(2, 98)
    headline = f"{subject.capitalize()} {verb} {obj} by {number} percent"
    lead = (f"The {subject} {verb} {obj} by {number} percent on "
            f"{published_at:%A}, story number {n} of the {provider} desk.")
    paragraphs = [lead] + rng.sample(FILLER, k=rng.randint(3, 6))
    return SyntheticStory(
        provider=provider, guid=f"urn:synthetic:{provider}:{published_at:%Y%m%d}:{n:05d}",
        headline=headline, paragraphs=paragraphs, published_at=published_at, place=place,
        authors=rng.sample(PEOPLE, k=1), editors=rng.sample(PEOPLE, k=1),
    )


def render_reuters_web_text(s: SyntheticStory) -> bytes:
    """The scraped reuters.com page text of the seed (with its page debris)."""
    t = s.published_at
    date_line = f"{t:%B} {t.day}, {t:%Y} /  {(t.hour % 12) or 12}:{t:%M} {t:%p} / 2 years ago"
    body = [f"{s.place} (Reuters) - {s.paragraphs[0]}", *s.paragraphs[1:],
            f"Reporting by {' and '.join(s.authors)}; Editing by {' and '.join(s.editors)}"]
    debris = ["0 : 0", "  • narrow-browser-and-phone", "  • medium-browser-and-portrait-tablet",
              "  • landscape-tablet-and-below"]
    return ("\n\n".join([date_line, s.headline, *body]) + "\n\n" + "\n".join(debris)).encode()


def render_newsml_g2(s: SyntheticStory) -> bytes:
    """A NewsML-G2 newsMessage holding one text newsItem."""
    t = s.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    paras = "".join(f"<p>{escape(p)}</p>" for p in
                    [f"{s.place} ({s.provider}) - {s.paragraphs[0]}", *s.paragraphs[1:]])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">
 <header><sent>{t}</sent></header>
 <itemSet>
  <newsItem guid="{escape(s.guid)}" version="{s.version}" standard="NewsML-G2" standardversion="2.29">
   <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider literal="{s.provider}"/>
    <versionCreated>{t}</versionCreated>
    <firstCreated>{t}</firstCreated>
    <pubStatus qcode="stat:usable"/>
   </itemMeta>
   <contentMeta>
    <contentCreated>{t}</contentCreated>
    <language tag="en"/>
    <headline>{escape(s.headline)}</headline>
    <by>{escape(", ".join(s.authors))}</by>
   </contentMeta>
   <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
     <html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body>{paras}</body></html>
    </inlineXML>
   </contentSet>
  </newsItem>
 </itemSet>
</newsMessage>
""".encode()


def render_ninjs(s: SyntheticStory) -> dict:
    """A ninjs 2.x object (one line of a JSON Lines bulk export)."""
    t = s.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = "".join(f"<p>{escape(p)}</p>" for p in
                   [f"{s.place} ({s.provider.upper()}) _ {s.paragraphs[0]}", *s.paragraphs[1:]])
    return {
        "uri": s.guid, "type": "text", "version": str(s.version), "language": "en",
        "versioncreated": t, "firstcreated": t, "pubstatus": "usable",
        "headlines": [{"role": "main", "value": s.headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": html}],
        "by": ", ".join(s.authors), "copyrightholder": s.provider.upper(),
    }


def render_jsonl(stories: list[SyntheticStory]) -> bytes:
    return "".join(json.dumps(render_ninjs(s)) + "\n" for s in stories).encode()


def demo_stories(seed: int = 7, days: int = 4, per_day: int = 6,
                 start: datetime = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)) -> dict[str, list[SyntheticStory]]:
    """Stories per provider over ``days`` days, deterministic for a seed."""
    rng = random.Random(seed)
    out: dict[str, list[SyntheticStory]] = {"reuters": [], "dpa": [], "ap": []}
    n = 0
    for day in range(days):
        for provider in out:
            for _ in range(per_day):
                n += 1
                when = start + timedelta(days=day, minutes=rng.randint(0, 16 * 60))
                out[provider].append(make_story(rng, provider, when, n))
    return out
