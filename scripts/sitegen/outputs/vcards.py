"""Contact cards (vCard 3.0, RFC 2426): one file per contact group, one card per person.

A group is one office (an organization's department) with one or more
people, a phone and maybe a mailbox. Phones file a contact under its name
(FN, N), so each person of the group gets a card of their own, named after
them, with the office as ORG and the office's phone and mailbox: a file of
a group with two people imports as two contacts.

vCard 3.0 rather than 4.0: it is the version that iOS Contacts, Android's
contacts app (AOSP's vCard parser reads 2.1 and 3.0) and Google/Outlook
import read in full; 4.0-only properties (KIND, RELATED, TEL URIs) are
dropped or ignored by them. Chinese names are written whole as the family
name (N:陈若水;;;;): the data does not say where the surname ends, and phones
show and sort a CJK family name first anyway.

Written by hand rather than through a library so that the output is exactly
what the RFC says: CRLF line ends, lines folded at 75 octets without
splitting a UTF-8 character, and text values escaped.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..model import Contact, Edition
from ..textfmt import tel_href
from . import Produced, prodid, safe_file_name, version_date

UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "kjgzzr.crs-tdxh.github.io")
LINE_OCTETS = 75
FORMAT = "名片"
EXTENSION = ".vcf"


def escape(text: str) -> str:
    """A TEXT value (RFC 2426 4, RFC 6350 3.4): backslash, comma, semicolon and newline escaped."""
    return (
        text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold one content line to at most 75 octets per physical line (RFC 2426 2.6, RFC 6350 3.2)."""
    out: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, LINE_OCTETS  # continuation lines start with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def card_uid(site: Edition, contact: Contact, person: str | None = None) -> str:
    """Stable per edition, contact and person: a re-import of the same year's card updates it."""
    name = f"{site.key}/contact/{contact.id}" + (f"/{person}" if person else "")
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, name)}"


def note(contact: Contact, person: str) -> str:
    """The office, then the data's ``purpose`` as written (as 联系方式 shows it): the data says why a group is
    listed, and for some that its duties are not stated, so no "负责：" label is put before it."""
    others = [p for p in contact.people if p != person]
    text = f"{contact.name}。{contact.purpose.rstrip('。')}。"
    if others:
        text += f"同一部门的联系人：{'、'.join(others)}。"
    return text + f"出处：{contact.source}。"


def phone_value(phone: str) -> str:
    """+861068586651 (an extension after a comma, which diallers read as a pause)."""
    return tel_href(phone)[len("tel:"):].replace(";ext=", ",")


def vcard(site: Edition, contact: Contact, person: str) -> str:
    """The card of one person of a contact group, as text with CRLF line ends."""
    audience = site.audience(contact.audience)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"PRODID:{escape(prodid(site))}",
        f"UID:{card_uid(site, contact, person)}",
        f"FN:{escape(person)}",
        f"N:{escape(person)};;;;",
        f"ORG:{escape(contact.organization)};{escape(contact.department)}",
    ]
    for phone in contact.phones:
        lines.append(f"TEL;TYPE=WORK,VOICE:{phone_value(phone)}")
    for email in contact.emails:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{email}")
    lines.append(f"CATEGORIES:{escape(audience.short)}")
    lines.append(f"NOTE:{escape(note(contact, person))}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def vcards(site: Edition, contact: Contact) -> str:
    """The file of one contact group: a card for each of its people, in the data's order."""
    return "".join(vcard(site, contact, person) for person in contact.people)


def path_for(contact: Contact) -> str:
    return f"downloads/contact-{contact.id}{EXTENSION}"


def file_name(contact: Contact) -> str:
    """The name offered when saving: 中国铁道学会学术交流与科普部-陈若水.vcf."""
    return safe_file_name(f"{contact.name}-{'、'.join(contact.people)}") + EXTENSION


def contact_facts(contact: Contact) -> list[tuple[str, str, str]]:
    return [("contact", contact.id, f) for f in ("people", "phones", "emails")]


def produce(site: Edition, out_dir: Path) -> list[Produced]:
    made: list[Produced] = []
    for contact in site.contacts:
        rel = path_for(contact)
        target = Path(out_dir) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(vcards(site, contact).encode("utf-8"))
        made.append(Produced(key=f"vcard-{contact.id}", path=rel, file_name=file_name(contact), format=FORMAT,
                             date=version_date(site, contact_facts(contact))))
    return made
