"""Shrink the CJK fonts WeasyPrint embeds, without touching the page content.

WeasyPrint subsets fonts but keeps every glyph at its original ID, so the
text on the pages can name glyphs directly. For a TrueType font the unused
slots cost nothing; for a CFF-flavoured OpenType font such as Noto Serif CJK
SC every one of its ~63 000 slots keeps a CharStrings entry, which adds
about 150 KB per face even when a page uses forty characters. The finisher
here re-writes each such subset with TrueType (quadratic) outlines, still at
the same glyph IDs, and marks it as a CIDFontType2 with an identity
CID-to-GID map, which is what WeasyPrint already writes. Unused slots become
empty glyphs (no bytes), so the PDF shrinks by that much while every viewer
draws and extracts exactly the same text.
"""

from __future__ import annotations

import io
import struct

import pydyf
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.sfnt import SFNTWriter

MAX_ERROR = 1.0  # font units (of 1000 per em): far below anything a printer shows


def cff_to_truetype(data: bytes) -> bytes | None:
    """The same font with TrueType outlines at the same glyph IDs; None if it is not CFF.

    Only the CFF table is parsed; metrics, cmap and names are copied as they
    are, which keeps this fast for fonts with tens of thousands of slots.
    """
    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    if "CFF " not in font.reader.keys():
        return None
    top = font["CFF "].cff.topDictIndex[0]
    charstrings = top.CharStrings
    offsets = charstrings.charStringsIndex.offsets
    names = top.charset
    count = len(offsets) - 1

    glyf = bytearray()
    loca = [0]
    max_points = max_contours = 0
    for gid in range(count):
        if gid and offsets[gid + 1] - offsets[gid] <= 1:  # just "endchar": an unused slot
            loca.append(len(glyf))
            continue
        pen = TTGlyphPen(None)
        charstrings[names[gid]].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyph = pen.glyph()
        if glyph.numberOfContours:
            max_points = max(max_points, len(glyph.coordinates))
            max_contours = max(max_contours, glyph.numberOfContours)
            glyf += glyph.compile(None)
            glyf += b"\0" * (-len(glyf) % 4)
        loca.append(len(glyf))

    tables = {tag: font.reader[tag] for tag in font.reader.keys() if tag not in ("CFF ", "VORG", "maxp", "head")}
    head = bytearray(font.reader["head"])
    head[50:54] = struct.pack(">hh", 1, 0)  # indexToLocFormat: long offsets; glyphDataFormat 0
    tables["head"] = bytes(head)
    tables["maxp"] = struct.pack(">LH13H", 0x00010000, count, max_points, max_contours, 0, 0, 2, *([0] * 8))
    tables["glyf"] = bytes(glyf)
    tables["loca"] = struct.pack(f">{len(loca)}L", *loca)

    out = io.BytesIO()
    writer = SFNTWriter(out, len(tables), sfntVersion="\x00\x01\x00\x00")
    for tag in sorted(tables):
        writer[tag] = tables[tag]
    writer.close()
    return out.getvalue()


def _number(reference) -> int:
    """b'12 0 R' -> 12"""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])


def compact_fonts(document, pdf: pydyf.PDF) -> None:
    """WeasyPrint ``finisher``: convert embedded CFF subsets as described above."""
    by_number = {obj.number: obj for obj in pdf.objects if getattr(obj, "number", None) is not None}
    descriptors = [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and "FontFile3" in o]
    for descriptor in descriptors:
        stream = by_number.get(_number(descriptor["FontFile3"]))
        if not isinstance(stream, pydyf.Stream) or stream.extra.get("Subtype") != "/OpenType":
            continue
        converted = cff_to_truetype(b"".join(stream.stream))
        if converted is None:
            continue
        stream.stream = [converted]
        stream.extra = pydyf.Dictionary({"Length1": len(converted)})
        reference = descriptor.pop("FontFile3")
        descriptor["FontFile2"] = reference
        for obj in pdf.objects:
            if (
                isinstance(obj, pydyf.Dictionary)
                and obj.get("FontDescriptor") == descriptor.reference
                and obj.get("Subtype") == "/CIDFontType0"
            ):
                obj["Subtype"] = "/CIDFontType2"
                obj["CIDToGIDMap"] = "/Identity"
