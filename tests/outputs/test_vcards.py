"""The contact cards: one vCard 4.0 per contact group, parsed back with vobject
and compared with the edition's contacts.yaml; RFC 6350 framing; PRODID and UIDs
of the edition's year; linked from 联系方式."""

from __future__ import annotations

import dataclasses
import re
import uuid
from pathlib import Path

import pytest
import vobject

from sitegen.outputs import vcards
from sitegen.textfmt import phone_digits


@pytest.fixture(scope="module")
def produced(site_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("vcf")
    return out, {item.key: item for item in vcards.produce(site_data, out)}


def read(out: Path, item):
    data = (out / item.path).read_bytes()
    return data, vobject.readOne(data.decode("utf-8"))


def values(card, name: str) -> list:
    return [line for line in card.contents.get(name, [])]


def test_one_card_per_contact_group(site_data, produced):
    out, items = produced
    assert set(items) == {f"vcard-{c.id}" for c in site_data.contacts}
    for contact in site_data.contacts:
        item = items[f"vcard-{contact.id}"]
        assert re.fullmatch(r"downloads/[a-z0-9-]+\.vcf", item.path)
        assert item.file_name == f"{contact.name}.vcf"
        assert item.format == "名片"


def test_every_card_matches_the_data(site_data, produced):
    out, items = produced
    uids = set()
    for contact in site_data.contacts:
        data, card = read(out, items[f"vcard-{contact.id}"])
        assert card.version.value == "4.0"
        assert card.prodid.value == f"-//{site_data.document.issuer}//{site_data.key}全国科技工作者日活动网站//ZH"
        assert card.kind.value == "org"
        assert card.fn.value == contact.name
        assert card.org.value == [contact.organization, contact.department]
        # Phones: tel: URIs in +86 form, one per number in the data.
        tels = values(card, "tel")
        assert len(tels) == len(contact.phones)
        for tel, phone in zip(tels, contact.phones):
            assert tel.params["VALUE"] == ["uri"]
            assert "voice" in ",".join(tel.params["TYPE"]).split(",")
            assert tel.value.startswith("tel:+86")
            assert tel.value == "tel:+86" + phone_digits(phone).lstrip("0")
        assert [e.value for e in values(card, "email")] == list(contact.emails)
        people = [r.value for r in values(card, "related")]
        assert people == list(contact.people)
        note = card.note.value
        assert contact.purpose in note
        for person in contact.people:
            assert person in note
        assert contact.source in note
        assert site_data.audience(contact.audience).short in card.categories.value
        uids.add(card.uid.value)
        assert card.uid.value == f"urn:uuid:{uuid.uuid5(vcards.UID_NAMESPACE, f'{site_data.key}/contact/{contact.id}')}"
    assert len(uids) == len(site_data.contacts)


def test_uids_differ_between_editions(site_data):
    """The same contact id in another year's notice is another card (no merge across years)."""
    other = dataclasses.replace(site_data, key=str(site_data.year + 1))
    for contact in site_data.contacts:
        assert vcards.card_uid(other, contact) != vcards.card_uid(site_data, contact)


def test_crlf_and_folding(produced):
    out, items = produced
    folded = 0
    for item in items.values():
        data = (out / item.path).read_bytes()
        assert data.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
        assert data.endswith(b"END:VCARD\r\n")
        assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
        for line in data.split(b"\r\n")[:-1]:
            assert len(line) <= 75, f"{len(line)} octets: {line[:40]!r}"
            line.decode("utf-8")  # no character split by folding
            folded += line.startswith(b" ")
    assert folded, "the long Chinese notes should need folding"


def test_text_values_are_escaped(site_data, tmp_path):
    """Commas and semicolons in the data survive the round trip."""
    contact = site_data.contacts[0]
    odd = dataclasses.replace(contact, department="学术交流,科普;部", purpose="报送方案；咨询, 其他\\事宜")
    text = vcards.vcard(site_data, odd)
    card = vobject.readOne(text)
    assert card.org.value == [contact.organization, "学术交流,科普;部"]
    assert "报送方案；咨询, 其他\\事宜" in card.note.value


def test_same_data_same_bytes(site_data, produced, tmp_path):
    out, items = produced
    for item in vcards.produce(site_data, tmp_path):
        assert (tmp_path / item.path).read_bytes() == (out / item.path).read_bytes()


def test_linked_from_contacts_page(edition_dir, site_data):
    html = (edition_dir / "contacts" / "index.html").read_text(encoding="utf-8")
    for contact in site_data.contacts:
        path = vcards.path_for(contact)
        assert f'href="../{path}"' in html
        card = vobject.readOne((edition_dir / path).read_bytes().decode("utf-8"))
        assert card.uid.value == vcards.card_uid(site_data, contact)
