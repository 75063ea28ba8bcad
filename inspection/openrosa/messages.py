"""What the phone shows: receipts and refusals in Dutch (the default) or English.

The services report problems in English, per field path; an inspector in the
field reads Dutch and knows the questions by their labels, not their codes.
A refusal is therefore a sentence about what happened, followed by one line
per field: the question's label and the problem in the phone's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from inspection.errors import DomainError, TooManyRequests

LANGS = ("nl", "en")

_HEADLINES: dict[str, dict[str, str]] = {
    "validation_error": {
        "nl": "De inspectie is niet opgeslagen. Verbeter het formulier en verstuur het opnieuw.",
        "en": "The inspection was not stored. Correct the form and send it again.",
    },
    "conflict": {
        "nl": "Deze inspectie (dezelfde instanceID) is al ontvangen met andere inhoud; "
        "er is niets gewijzigd. Maak voor een nieuw bezoek een nieuw formulier.",
        "en": "This inspection (the same instanceID) was already received with other "
        "content; nothing was changed. Start a new form for a new visit.",
    },
    "unauthorized": {
        "nl": "Onbekende gebruiker of onjuist wachtwoord.",
        "en": "Unknown user or wrong password.",
    },
    "forbidden": {
        "nl": "Met dit account kunt u geen inspecties insturen; "
        "dat kunnen alleen inspecteurs en coördinatoren.",
        "en": "This account cannot send inspections; only inspectors and coordinators can.",
    },
    "payload_too_large": {
        "nl": "De inzending is te groot.",
        "en": "The submission is too large.",
    },
    "unsupported_media_type": {
        "nl": "Een foto is geen leesbare JPEG- of PNG-afbeelding.",
        "en": "A photo is not a readable JPEG or PNG image.",
    },
    "malformed_instance": {
        "nl": "De inzending is onleesbaar.",
        "en": "The submission cannot be read.",
    },
    "not_found": {"nl": "Niet gevonden.", "en": "Not found."},
}

_FIELD_NAMES: dict[str, dict[str, str]] = {
    "id": {"nl": "meta/instanceID", "en": "meta/instanceID"},
    "location": {"nl": "Locatie", "en": "Location"},
    "observed_at": {"nl": "Tijdstip van het bezoek", "en": "Time of the visit"},
    "position": {"nl": "Positie (GPS)", "en": "Position (GPS)"},
    "position.latitude": {"nl": "Positie: breedtegraad", "en": "Position: latitude"},
    "position.longitude": {"nl": "Positie: lengtegraad", "en": "Position: longitude"},
    "position.accuracy_m": {"nl": "Positie: nauwkeurigheid", "en": "Position: accuracy"},
    "photo": {"nl": "Foto", "en": "Photo"},
}

# The services' English problem texts and their Dutch wording ({0}, {1}: the groups).
_DUTCH: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), dutch)
    for pattern, dutch in (
        (r"unknown item", "onbekende vraag"),
        (r"must be a string", "moet tekst zijn"),
        (r"must be at most (\d+) characters long", "mag hoogstens {0} tekens lang zijn"),
        (r"must be one of (.+)", "moet een van deze waarden zijn: {0}"),
        (r"must be true or false", "moet ja of nee zijn"),
        (r"must be a whole number, not a decimal", "moet een geheel getal zijn, zonder decimalen"),
        (r"must be a whole number", "moet een geheel getal zijn"),
        (r"must be a number", "moet een getal zijn"),
        (r"must be a finite number", "moet een eindig getal zijn"),
        (r"must be at least (.+)", "moet minstens {0} zijn"),
        (r"must be at most (.+)", "mag hoogstens {0} zijn"),
        (r"must not exceed (.+) \((.+)\)", "mag niet groter zijn dan {0} ({1})"),
        (r"no location with code (.+)", "er is geen locatie met code {0}"),
        (r"give a UTC offset.*", "geef de tijdzone mee, bijvoorbeeld +01:00"),
        (
            r"more than (\d+) minutes in the future.*",
            "ligt meer dan {0} minuten in de toekomst; controleer de klok van de telefoon",
        ),
        (
            r"before the first (\S+) norm set \(in force from (.+)\)",
            "ligt vóór de eerste normenset {0} (geldig vanaf {1})",
        ),
        (r"not a norm of the norm set in force", "is geen norm van de geldende normenset"),
        (r"longer than (\d+) characters", "is langer dan {0} tekens"),
        (r"already used for a different submission", "is al gebruikt voor een andere inzending"),
        (r"too many pixels", "heeft te veel beeldpunten"),
        (r"at most (.+) pixels", "hoogstens {0} beeldpunten"),
        (r"at most (\d+) photos per inspection", "hoogstens {0} foto's per inspectie"),
        (r"A photo may be at most (.+)", "Een foto mag hoogstens {0} groot zijn"),
        (r"A photo must be a JPEG or PNG image", "Een foto moet een JPEG- of PNG-afbeelding zijn"),
        (
            r"The photo is not a readable JPEG or PNG image",
            "De foto is geen leesbare JPEG- of PNG-afbeelding",
        ),
        (
            r"a PNG may have at most (\d+) x (\d+) pixels; send a JPEG",
            "een PNG mag hoogstens {0} x {1} beeldpunten hebben; stuur een JPEG",
        ),
        (
            r"Send the instance as the multipart part (.+)",
            "Stuur het formulier mee als multipart-deel {0}",
        ),
        (r"The element (.+) occurs more than once", "Het element {0} komt meer dan eens voor"),
        (
            r"The submission may not contain a DTD or entities",
            "De inzending mag geen DTD of entiteiten bevatten",
        ),
        (r"The submission is not well-formed XML: (.+)", "Geen geldige XML: {0}"),
        (r"The submission nests deeper than (\d+) levels", "Dieper genest dan {0} niveaus"),
        (r"The position is not a geopoint.*", "De positie is geen geldig GPS-punt"),
        (r"The instance may be at most (.+)", "Het formulier mag hoogstens {0} groot zijn"),
        (
            r"A request may be at most (.+); send photos separately",
            "Een verzending mag hoogstens {0} groot zijn; stuur de foto's apart",
        ),
        (r"Missing data for required field\.", "ontbreekt"),
        (r"Field may not be null\.", "ontbreekt"),
        (r"Not a valid UUID\.", "is geen geldige UUID"),
        (r"Not a valid number\.", "is geen getal"),
        (r"Not a valid aware datetime\.", "mist de tijdzone (bijvoorbeeld +01:00)"),
        (r"Not a valid datetime\.", "is geen geldige datum en tijd"),
        (
            r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.",
            "moet liggen tussen {0} en {1}",
        ),
        (r"Length must be between (\d+) and (\d+)\.", "moet {0} tot {1} tekens lang zijn"),
        (r"Longer than maximum length (\d+)\.", "is langer dan {0} tekens"),
    )
]
_ITEM_CODE = re.compile(r"\b[a-z][a-z0-9_]*\b")
# A size as ``inspection.sizes`` writes it, with a decimal point that Dutch writes as a comma.
_SIZE = re.compile(r"(\d+)\.(\d+) (kB|MB)")


def refusal(error: DomainError, lang: str, item_labels: Mapping[str, str]) -> str:
    """The text of a refused request in ``lang``, with one line per bad field.

    ``item_labels`` maps item codes to their labels in ``lang``, so that the
    inspector reads the question rather than its code.
    """
    headline = _HEADLINES.get(error.code, {}).get(lang)
    if isinstance(error, TooManyRequests):
        minutes = max(1, -(-error.retry_after // 60))
        headline = {
            "nl": f"Te veel mislukte aanmeldpogingen. Probeer het over {minutes} minuten opnieuw.",
            "en": f"Too many failed logins. Try again in {minutes} minutes.",
        }[lang]
    lines = [headline or error.message]
    # The message itself, unless the headline or a field's line below says it already.
    said = [problem for problems in error.fields.values() for problem in problems]
    if error.code in ("payload_too_large", "malformed_instance") or headline is None:
        detail = _problem(error.message, lang, item_labels)
        if detail != lines[0] and error.message not in said:
            lines.append(detail)
    for path, problems in sorted(error.fields.items()):
        field = _field_name(path, lang, item_labels)
        lines.extend(f"- {field}: {_problem(p, lang, item_labels)}" for p in problems)
    return "\n".join(lines)


def receipt(
    lang: str, location: str, status_label: str, overall: float | None, repeated: bool
) -> str:
    """What the phone shows after a submission was received."""
    score = "-" if overall is None else f"{overall:.1f}".replace(".", "," if lang == "nl" else ".")
    if lang == "nl":
        first = (
            "Deze inspectie was al ontvangen; er is niets dubbel opgeslagen."
            if repeated
            else "Inspectie ontvangen."
        )
        return f"{first} {location}: {status_label}, score {score}."
    first = (
        "This inspection had already been received; nothing was stored twice."
        if repeated
        else "Inspection received."
    )
    return f"{first} {location}: {status_label}, score {score}."


def _field_name(path: str, lang: str, item_labels: Mapping[str, str]) -> str:
    if path in _FIELD_NAMES:
        return _FIELD_NAMES[path][lang]
    kind, _, code = path.partition(".")
    if kind == "answers" and code in item_labels:
        return item_labels[code]
    if kind == "notes":
        return f"{'Opmerking bij' if lang == 'nl' else 'Note on'} {code}"
    return code or path


def _problem(text: str, lang: str, item_labels: Mapping[str, str]) -> str:
    """A problem in ``lang``; item codes in it become the questions' labels."""
    if lang == "nl":
        for pattern, dutch in _DUTCH:
            match = pattern.fullmatch(text)
            if match:
                groups = (_SIZE.sub(r"\1,\2 \3", group) for group in match.groups())
                text = dutch.format(*groups)
                break
    if "must not exceed" in text or "niet groter" in text:
        text = _ITEM_CODE.sub(lambda m: item_labels.get(m.group(0), m.group(0)), text)
    return text
