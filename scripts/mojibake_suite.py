#!/usr/bin/env python3
"""Writes tests/fixtures/mojibake/broken.tsv: correct sentences and what the common
encoding accidents make of them, one case per line (broken TAB correct TAB kind).

The sentences are news-style text written for newsprep (MIT OR Apache-2.0); the
accidents are the ones seen in scraped pages: UTF-8 read as windows-1252 (the most
common), as latin-1 (C1 controls survive), as MacRoman, as windows-1251 (Cyrillic
text), twice as windows-1252, and windows-1252 whose undefined byte was lost
(a right quote ending in U+FFFD). Deterministic: run it again, get the same file.

    python3 scripts/mojibake_suite.py > tests/fixtures/mojibake/broken.tsv
"""

SENTENCES = [
    "“We will not back down,” the minister said on Tuesday.",
    "The company’s shares fell 4% after the announcement.",
    "Residents of Jalal‑Abad say they haven’t seen aid — yet.",
    "Le café de la gare a fermé après l’incendie.",
    "Der Bürgermeister von München äußerte sich am Freitag.",
    "El presidente de México habló en la reunión del año.",
    "São Paulo’s governor announced a new metro line.",
    "Zürich’s central bank kept rates at 1.5%.",
    "The film “Amélie” returns to cinemas in 4K.",
    "Crédit Agricole posted a profit of €1.2bn — up 8%.",
    "Prices rose to £3.40 a litre, the highest since 2008.",
    "Ms Ødegaard said: “It’s a fair deal for Norway.”",
    "Président Macron s’est rendu à Marseille – sans annonce.",
    "Das Gespräch dauerte zwei Stunden … ohne Ergebnis.",
    "Łukasz Szymański scored twice in Kraków on Sunday.",
    "Tokyo’s Nikkei closed at ¥38,000 for the first time.",
    "The naïve approach failed, the coöperative said.",
    "Müller, Groß and Schäfer were named in the report.",
    "‘Enough is enough,’ protesters chanted in Caracas.",
    "The résumé listed three years at Nestlé in Vevey.",
    "Antonio Guterres: “The world is watching.”",
    "Temperatures reached 41°C in Córdoba on Monday.",
    "İstanbul’s mayor visited Diyarbakır and Şanlıurfa.",
    "Ποιος θα κερδίσει τις εκλογές; ρωτούν οι ψηφοφόροι.",
    "Премьер-министр Казахстана провёл встречу в Астане.",
    "Бишкек, Ош и Жалал-Абад — крупнейшие города Киргизии.",
    "“Señor López” won’t comment, his office said.",
    "Nuño Pérez, 34, was released on bail • More below",
    "The ™ symbol and © notice were removed from the site.",
    "Björk’s new album — “Fossora” — is out now.",
]

# Each accident: a name and how it turns correct text into broken text.
def as_cp1252(text):
    # Python's cp1252 codec refuses the five unmapped bytes; decoders that keep them
    # (WHATWG, encoding_rs) give the C1 control of the same number.
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b)
        for b in text.encode("utf-8")
    )

def as_latin1(text):
    return text.encode("utf-8").decode("latin-1")

def as_macroman(text):
    return text.encode("utf-8").decode("mac_roman")

def as_cp1251(text):
    return text.encode("utf-8").decode("cp1251", errors="replace")

def twice(text):
    return as_cp1252(as_cp1252(text))

def lost_byte(text):
    # A right quote is E2 80 9D; 9D is undefined in windows-1252, and a decoder that
    # replaces it leaves "â€" and U+FFFD.
    return as_cp1252(text).replace("\x9d", "\ufffd")

ACCIDENTS = [
    ("cp1252", as_cp1252),
    ("latin-1", as_latin1),
    ("macroman", as_macroman),
    ("cp1251", as_cp1251),
    ("double", twice),
    ("lost_byte", lost_byte),
]

def main():
    print("# broken\tcorrect\tkind (written by scripts/mojibake_suite.py)")
    seen = set()
    for i, sentence in enumerate(SENTENCES):
        # Every sentence through cp1252 (the accident that matters most), and a accident so that each kind gets several cases.
        # rotating second accident so that each kind gets several cases; a right quote
        # always loses its last byte once, Cyrillic text always meets windows-1251.
        accidents = [ACCIDENTS[0], ACCIDENTS[1 + i % (len(ACCIDENTS) - 1)]]
        if "”" in sentence:
            accidents.append(("lost_byte", lost_byte))
        if any("\u0400" <= c <= "\u04ff" for c in sentence):
            accidents.append(("cp1251", as_cp1251))
        for kind, accident in accidents:
            broken = accident(sentence)
            if broken == sentence or "\ufffd" in broken and kind != "lost_byte":
                continue
            if (broken, sentence) in seen or "\t" in broken or "\n" in broken:
                continue
            seen.add((broken, sentence))
            # C1 controls are written escaped so that the file stays readable.
            shown = "".join(f"\\x{ord(c):02x}" if 0x80 <= ord(c) < 0xA0 else c for c in broken)
            print(f"{shown}\t{sentence}\t{kind}")

main()
