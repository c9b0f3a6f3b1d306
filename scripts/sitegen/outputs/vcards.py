"""Contact cards (vCard 4.0, RFC 6350): one file per contact group.

A group is one office (an organization's department) with one or more
people, a phone and maybe a mailbox, so each card is ``KIND:org`` named after
the office; the people are listed as ``RELATED`` contacts and, for address
books that ignore that, in the ``NOTE`` together with what the office handles.

Written by hand rather than through a library so that the output is exactly
RFC 6350: CRLF line ends, lines folded at 75 octets without splitting a
UTF-8 character, and text values escaped.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..model import Contact, Edition
from ..textfmt import tel_href
from . import Produced, prodid

UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "kjgzzr.crs-tdxh.github.io")
LINE_OCTETS = 75


def escape(text: str) -> str:
    """A TEXT value (RFC 6350 3.4): backslash, comma, semicolon and newline escaped."""
    return (
        text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold one content line to at most 75 octets per physical line (RFC 6350 3.2)."""
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


def card_uid(site: Edition, contact: Contact) -> str:
    """Stable per edition and contact: a re-import of the same year's card updates it."""
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'{site.key}/contact/{contact.id}')}"


def note(contact: Contact) -> str:
    return f"负责：{contact.purpose}。联系人：{'、'.join(contact.people)}。出处：{contact.source}。"


def vcard(site: Edition, contact: Contact) -> str:
    """The card of one contact group, as text with CRLF line ends."""
    audience = site.audience(contact.audience)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"PRODID:{escape(prodid(site))}",
        f"UID:{card_uid(site, contact)}",
        "KIND:org",
        f"FN:{escape(contact.name)}",
        f"ORG:{escape(contact.organization)};{escape(contact.department)}",
    ]
    for person in contact.people:
        lines.append(f"RELATED;TYPE=contact;VALUE=text:{escape(person)}")
    for phone in contact.phones:
        lines.append(f"TEL;VALUE=uri;TYPE=\"work,voice\":{tel_href(phone)}")
    for email in contact.emails:
        lines.append(f"EMAIL;TYPE=work:{email}")
    lines.append(f"CATEGORIES:{escape(audience.short)}")
    lines.append(f"NOTE:{escape(note(contact))}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def path_for(contact: Contact) -> str:
    return f"downloads/contact-{contact.id}.vcf"


def produce(site: Edition, out_dir: Path) -> list[Produced]:
    made: list[Produced] = []
    for contact in site.contacts:
        rel = path_for(contact)
        target = Path(out_dir) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(vcard(site, contact).encode("utf-8"))
        made.append(Produced(key=f"vcard-{contact.id}", path=rel, file_name=f"{contact.name}.vcf", format="名片"))
    return made
