"""Synthetic Open Event data for benchmarks: N sessions, ~1.3 speakers each, optional photos.

Run from the project root:  python bench/synth.py OUT --sessions N [--photos] [--seed 1]
The event has 4 days in Europe/Berlin, 10 tracks with colours, 20 rooms, a speaker pool of about
N * 1.3 / 1.5 people (so about half of them give two talks), Markdown abstracts of 80 to 200 words
and Markdown biographies. With --photos every speaker gets an 800x800 JPEG of 60 to 120 KB under
images/speakers/. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFilter, ImageOps

ZONE = "Europe/Berlin"
FIRST_DAY = date(2026, 9, 14)
DAYS = 4
TRACKS = 10
ROOMS = 20
SPEAKERS_PER_SESSION = 1.3
SESSIONS_PER_SPEAKER = 1.5
DAY_START = time(9, 0)
DAY_MINUTES = 600  # sessions fill 09:00 to about 19:00
PHOTO_SIDE = 800


def _words(text: str) -> tuple[str, ...]:
    """Space-separated words; long word lists read better as text than as literals."""
    return tuple(text.split())


TRACK_NAMES = (
    "Open Infrastructure",
    "Web & Design",
    "Data & AI",
    "Community & Education",
    "Hardware & IoT",
    "Security & Privacy",
    "Languages & Compilers",
    "Science & Research",
    "Mobile & Desktop",
    "Policy & Law",
)
TRACK_COLORS = (
    "#1565c0",
    "#ad1457",
    "#2e7d32",
    "#ffd54f",
    "#6a1b9a",
    "#c62828",
    "#00838f",
    "#ef6c00",
    "#4e342e",
    "#9ccc65",
)
SESSION_TYPES = (
    ("Talk", "00:30"),
    ("Long talk", "00:45"),
    ("Workshop", "01:30"),
    ("Lightning", "00:10"),
)
LEVELS = ("Beginner", "Intermediate", "Advanced", "")
FIRST_NAMES = _words(
    "Ada Ana Arjun Bea Bruno Carla Chen Chiara Dalia Dmitri Elif Emeka Eva Farah Felix Grace Hana "
    "Hugo Ines Ivan Jana Jiho José Kai Kofi Lea Leila Lucas Łukasz Maya Mei Miguel Mira Nadia Nils "
    "Noor Olga Omar Pablo Priya Quinn Rafael Rosa Sami Sara Søren Tariq Teresa Tomás Uma Vera "
    "Wei Yara Yusuf Zoë Zofia Anil Björn Chloé"
)
LAST_NAMES = _words(
    "Abara Almeida Andersen Bakker Becker Carvalho Chowdhury Costa Dubois Eriksson Fischer Garcia "
    "Gonçalves Haddad Hansen Ibrahim Ivanova Jensen Kim Kowalski Kumar Larsen Lefebvre Li Lopes "
    "Martin Meyer Moreau Müller Nakamura Nguyen Novak Okafor Oliveira Park Pereira Petrov Rossi "
    "Santos Schmidt Silva Singh Sousa Tanaka Thompson Visser Wagner Weber Wiśniewska Yamamoto "
    "Zhang Öztürk Bianchi Horvat Mensah Ferreira Lindqvist O'Brien Dupont"
)
ORGS = (
    "Tejo Cloud Cooperative",
    "Open Hardware Guild",
    "University of Nowhere",
    "Free Maps Foundation",
    "Pastel Data Labs",
    "Civic Code Collective",
    "Independent",
    "Riverside Robotics",
    "The Compiler Company",
    "Public Library Network",
)
POSITIONS = ("Engineer", "Maintainer", "Researcher", "Designer", "Organiser", "Developer", "CTO")
CITIES = (
    ("Berlin", "Germany"),
    ("Lisboa", "Portugal"),
    ("Nairobi", "Kenya"),
    ("Singapore", "Singapore"),
    ("São Paulo", "Brazil"),
    ("Kraków", "Poland"),
    ("Tokyo", "Japan"),
    ("Montréal", "Canada"),
)
# A fixed vocabulary: the seed picks from it, so the same seed always gives the same text.
WORDS = _words(
    "open source software community project build release container network server cloud "
    "kernel compiler parser language runtime memory cache schedule session speaker track room "
    "data model pipeline stream query index search storage database backup security privacy "
    "encryption key certificate identity browser page render template style layout accessible "
    "mobile offline sync update package dependency version test fuzz bug patch review merge "
    "branch commit history maintainer contributor volunteer mentor newcomer workshop lab sensor "
    "board firmware radio antenna power battery energy climate map city transport school "
    "library archive museum science research paper result measure benchmark latency throughput "
    "scale cluster node queue worker thread process signal event log metric trace alert "
    "dashboard design user people team governance licence policy law funding grant budget "
    "hardware printer robot drone camera audio video subtitle translation locale time zone "
    "calendar standard protocol format schema specification interface tool editor terminal "
    "shell script automation deploy infrastructure monitoring incident runbook on-call rotation "
    "small fast simple reliable secure private shared public local remote distributed "
    "federated decentralised sustainable repairable accessible inclusive practical hands-on "
    "lessons mistakes stories years months weeks together across beyond without within"
)
VERBS = _words(
    "build run ship measure debug explain teach share rewrite port maintain secure test "
    "document scale replace design simplify automate migrate package translate"
)


def _sentence(rng: random.Random, lo: int = 6, hi: int = 18) -> list[str]:
    """One sentence as a list of words, with a verb somewhere in the first half."""
    n = rng.randint(lo, hi)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[rng.randrange(max(1, n // 2))] = rng.choice(VERBS)
    return words


def _decorate(rng: random.Random, words: list[str]) -> str:
    """A sentence with some Markdown emphasis, code and links, capitalised and ended."""
    out = list(words)
    roll = rng.random()
    i = rng.randrange(len(out))
    if roll < 0.15:
        out[i] = f"**{out[i]}**"
    elif roll < 0.27:
        out[i] = f"*{out[i]}*"
    elif roll < 0.35:
        out[i] = f"`{out[i]}`"
    elif roll < 0.42 and i + 1 < len(out):
        out[i] = f"[{out[i]}"
        out[i + 1] = f"{out[i + 1]}](https://example.org/{words[i]}-{words[i + 1]})"
    text = " ".join(out)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def markdown(rng: random.Random, lo: int, hi: int) -> str:
    """Markdown paragraphs (and sometimes a list) of lo to hi words."""
    target = rng.randint(lo, hi)
    sentences: list[list[str]] = []
    count = 0
    while count < target:
        words = _sentence(rng, 4, min(18, max(4, target - count)))
        words = words[: target - count]
        sentences.append(words)
        count += len(words)
    bullets: list[list[str]] = []
    if len(sentences) >= 5 and rng.random() < 0.3:
        sentences, bullets = sentences[:-3], sentences[-3:]
    paragraphs: list[str] = []
    while sentences:
        take = rng.randint(2, 4)
        paragraphs.append(" ".join(_decorate(rng, s) for s in sentences[:take]))
        sentences = sentences[take:]
    if bullets:
        paragraphs.append("\n".join("- " + " ".join(b).capitalize() for b in bullets))
    return "\n\n".join(paragraphs)


def _title(rng: random.Random) -> str:
    words = [rng.choice(VERBS if i == 0 else WORDS) for i in range(rng.randint(3, 8))]
    return " ".join(words).capitalize()


def _speaker_slots(rng: random.Random, n: int) -> tuple[int, list[list[int]]]:
    """The pool size and, per session, the indexes of its speakers (each pool member used)."""
    counts = rng.choices((1, 2, 3), weights=(75, 20, 5), k=n)  # mean 1.3
    total = sum(counts)
    pool = min(total, max(1, round(n * SPEAKERS_PER_SESSION / SESSIONS_PER_SPEAKER)))
    slots = list(range(pool)) + [rng.randrange(pool) for _ in range(total - pool)]
    rng.shuffle(slots)
    out: list[list[int]] = []
    pos = 0
    for count in counts:
        group: list[int] = []
        for _ in range(count):
            # A speaker twice in one session would be collapsed by the reader: swap it ahead.
            j = pos
            while j < len(slots) - 1 and slots[j] in group:
                j += 1
            slots[pos], slots[j] = slots[j], slots[pos]
            if slots[pos] not in group:
                group.append(slots[pos])
            pos += 1
        out.append(group)
    return pool, out


def _times(rng: random.Random, n: int) -> list[tuple[datetime, datetime, int]]:
    """(start, end, room index) for n sessions over DAYS days and ROOMS rooms, no overlaps."""
    zone = ZoneInfo(ZONE)
    room_days = DAYS * ROOMS
    per = math.ceil(n / room_days)
    slot = max(10, min(60, DAY_MINUTES // per // 5 * 5))
    places = [(rd, k) for k in range(per) for rd in range(room_days)][:n]
    rng.shuffle(places)  # ids are not in time order in real exports either
    out = []
    for rd, k in places:
        day, room = divmod(rd, ROOMS)
        start = datetime.combine(FIRST_DAY + timedelta(days=day), DAY_START, zone)
        start += timedelta(minutes=k * slot)
        gap = 5 if slot >= 20 else 0
        length = rng.choice((slot - gap, slot - gap, max(5, (slot - gap) // 2 // 5 * 5)))
        out.append((start, start + timedelta(minutes=length), room))
    return out


def photo(seed: str) -> bytes:
    """An 800x800 JPEG of 60-120 KB: a gradient, soft shapes and grain, the same for a seed."""
    rng = random.Random(seed)
    c1, c2 = (tuple(rng.randrange(256) for _ in range(3)) for _ in range(2))
    grad = Image.linear_gradient("L").rotate(
        rng.uniform(0, 360), resample=Image.Resampling.BILINEAR, fillcolor=128
    )
    img = ImageOps.colorize(grad.resize((PHOTO_SIDE, PHOTO_SIDE)), c1, c2)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(8, 18)):
        x, y = rng.randrange(-100, PHOTO_SIDE), rng.randrange(-100, PHOTO_SIDE)
        box = (x, y, x + rng.randrange(60, 400), y + rng.randrange(60, 400))
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.6 else draw.rectangle)(box, fill=fill)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 4)))
    # Grain from our own seeded bytes (Pillow's effect_noise uses C rand()); its strength sets
    # the JPEG size, like sensor noise does in a real photo.
    grain = Image.frombytes("L", img.size, rng.randbytes(PHOTO_SIDE * PHOTO_SIDE))
    img = Image.blend(img, Image.merge("RGB", (grain, grain, grain)), rng.uniform(0.036, 0.07))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _logo() -> bytes:
    img = Image.new("RGBA", (440, 180), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, 439, 179), 40, fill=(11, 92, 173, 255))
    draw.ellipse((30, 30, 150, 150), fill=(255, 213, 79, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def make_event(folder: Path, n: int, *, photos: bool = False, seed: int = 1) -> None:
    """Write an Open Event export with n sessions into folder (created if missing)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "logo.png").write_bytes(_logo())
    tracks = [
        {
            "id": 100 + i,
            "name": name,
            "color": TRACK_COLORS[i],
            # Half the tracks leave the text colour to the reader, as many exports do.
            "font-color": "#ffffff" if i % 2 == 0 else None,
            "description": markdown(rng, 15, 40),
        }
        for i, name in enumerate(TRACK_NAMES[:TRACKS])
    ]
    rooms = [
        {"id": 200 + i, "name": f"Room {chr(65 + i // 5)}{i % 5 + 1}", "floor": i // 5}
        for i in range(ROOMS)
    ]
    pool, groups = _speaker_slots(rng, n)
    people = []
    for j in range(pool):
        city, country = rng.choice(CITIES)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        handle = name.split()[0].lower() + str(j)
        people.append(
            {
                "id": 5001 + j,
                "name": name,
                "organisation": rng.choice(ORGS),
                "position": rng.choice(POSITIONS),
                "city": city,
                "country": country,
                "short-biography": _decorate(rng, _sentence(rng, 8, 16)),
                "long-biography": markdown(rng, 30, 90),
                "photo-url": f"/images/speakers/{5001 + j}.jpg" if photos else None,
                "website": f"https://{handle}.example.org" if rng.random() < 0.5 else "",
                "twitter": handle if rng.random() < 0.3 else "",
                "github": f"https://github.example.org/{handle}" if rng.random() < 0.4 else "",
                "is-featured": rng.random() < 0.02,
                "email": f"{handle}@example.org",  # must never reach the site
                "mobile": "+49 30 0000000",
                "sessions": [],
            }
        )
    sessions = []
    for i, ((start, end, room), group) in enumerate(zip(_times(rng, n), groups, strict=True)):
        sid = 10001 + i
        title = _title(rng)
        track = tracks[rng.randrange(TRACKS)]
        kind = rng.choice(SESSION_TYPES)
        for j in group:
            people[j]["sessions"].append({"id": sid, "title": title})
        sessions.append(
            {
                "id": sid,
                "title": title,
                "subtitle": "",
                "short-abstract": _decorate(rng, _sentence(rng, 8, 20)),
                "long-abstract": markdown(rng, 80, 200),
                "starts-at": start.isoformat(),
                "ends-at": end.isoformat(),
                "state": rng.choice(("confirmed", "accepted")),
                "language": "English" if rng.random() < 0.85 else "German",
                "level": rng.choice(LEVELS),
                "track": {"id": track["id"], "name": track["name"], "color": track["color"]},
                "microlocation": {"id": rooms[room]["id"], "name": rooms[room]["name"]},
                "session-type": {"name": kind[0], "length": kind[1]},
                "speakers": [{"id": people[j]["id"], "name": people[j]["name"]} for j in group],
                "video-url": f"https://video.example.org/{sid}" if rng.random() < 0.3 else "",
                "slides-url": f"https://slides.example.org/{sid}" if rng.random() < 0.2 else "",
                "audio-url": None,
                "signup-url": None,
            }
        )
    zone = ZoneInfo(ZONE)
    event = {
        "id": 1,
        "identifier": f"bench-{n}",
        "name": f"Bench Summit 2026 ({n} sessions)",
        "timezone": ZONE,
        "starts-at": datetime.combine(FIRST_DAY, DAY_START, zone).isoformat(),
        "ends-at": datetime.combine(
            FIRST_DAY + timedelta(days=DAYS - 1), time(20), zone
        ).isoformat(),
        "description": markdown(rng, 120, 200),
        "location-name": "Messe Berlin, Messedamm 22, 14055 Berlin",
        "latitude": 52.5051,
        "longitude": 13.2707,
        "logo-url": "/images/logo.png",
        "ticket-url": "https://tickets.example.org/bench",
        "event-url": "https://bench.example.org",
        "organizer-name": "Bench Association",
        "organizer-description": markdown(rng, 20, 40),
        "code-of-conduct": markdown(rng, 150, 250),
        "social-links": [
            {"name": "Mastodon", "link": "https://social.example.org/@bench"},
            {"name": "GitHub", "link": "https://github.example.org/bench"},
        ],
        "event-copyright": {
            "holder": "Bench Association",
            "licence": "CC BY 4.0",
            "licence-url": "https://creativecommons.org/licenses/by/4.0/",
        },
        "email": "hello@bench.example.org",
    }
    sponsors = [
        {
            "id": 700 + i,
            "name": f"{rng.choice(LAST_NAMES)} {rng.choice(('Labs', 'Systems', 'Cloud', 'GmbH'))}",
            "level": str(1 + i // 4),
            "type": ("Platinum", "Gold", "Silver")[i // 4] + " Sponsor",
            "url": f"https://sponsor{i}.example.org",
            "logo-url": None,
            "description": markdown(rng, 10, 30),
        }
        for i in range(12)
    ]
    _dump(folder / "event", event)
    _dump(folder / "tracks", tracks)
    _dump(folder / "microlocations", rooms)
    _dump(folder / "sessions", sessions)
    _dump(folder / "speakers", people)
    _dump(folder / "sponsors", sponsors)
    if photos:
        photo_dir = folder / "images" / "speakers"
        photo_dir.mkdir(exist_ok=True)
        for person in people:
            # A seed per speaker keeps each photo stable when the pool grows.
            data = photo(f"{seed}-{person['id']}")
            (photo_dir / f"{person['id']}.jpg").write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    """Command line: write one synthetic event."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the event into")
    parser.add_argument("--sessions", type=int, required=True, help="number of sessions")
    parser.add_argument("--photos", action="store_true", help="add 800x800 speaker photos")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    make_event(args.out, args.sessions, photos=args.photos, seed=args.seed)
    print(f"wrote {args.sessions} sessions to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
