/* 导出 Word for the web form (docs/assets/form-fill.js loads this file, and
 * assets/vendor/fflate.js before it, only when 导出 Word is pressed).
 *
 * window.formExport.build(data, state) fetches the site's own blank DOCX,
 * unzips it with fflate, writes every value into word/document.xml and zips
 * it again, so the layout is the blank's. Contract with the blank DOCX
 * (scripts/sitegen/outputs/form_docx.py):
 *  - a value goes into the table cell right of the cell whose text is its label;
 *  - tick boxes are <w:sdt> tagged "tick:<row label>:<option>" (其他 for the
 *    write-in) holding a <w14:checkbox>: checked means w14:checked = 1 and the
 *    run text ☑. A blank without such tags has plain "□<option>" text in the
 *    choice cell: then that □ becomes ☑;
 *  - one activity table per activity, after its caption paragraph; more
 *    activities than tables clone the last table with its caption, fewer
 *    remove the tables left over.
 * Text stays literal (DOM text nodes: the serializer escapes & < >), line
 * breaks become <w:br/>, characters XML 1.0 forbids are dropped.
 */
(function () {
  "use strict";

  var W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  var W14 = "http://schemas.microsoft.com/office/word/2010/wordml";
  var XML_NS = "http://www.w3.org/XML/1998/namespace";
  var DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  var TICK = "☑";
  var BOX = "□";

  function clean(text) {
    return String(text == null ? "" : text).replace(/\r\n?/g, "\n")
      .replace(/[^\t\n\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "");
  }

  function kids(el, name) {
    var out = [];
    for (var c = el.firstElementChild; c; c = c.nextElementSibling) {
      if (c.namespaceURI === W && c.localName === name) out.push(c);
    }
    return out;
  }

  function all(el, name, ns) {
    return Array.prototype.slice.call(el.getElementsByTagNameNS(ns || W, name));
  }

  function textOf(el) {
    return all(el, "t").map(function (t) { return t.textContent; }).join("");
  }

  function squeeze(s) {
    return s.replace(/[\s\u3000]/g, "");
  }

  /* Whether a cell is the label ``label``: its whole text or its first paragraph, which may go on
     with a colon, a hint in （…） or the site's completion in ［…］ (主办单位［邮寄地址］). */
  function isLabel(tc, label) {
    var want = squeeze(label);
    var ps = kids(tc, "p");
    var texts = [squeeze(textOf(tc))];
    if (ps.length > 0) texts.push(squeeze(textOf(ps[0])));
    for (var i = 0; i < texts.length; i++) {
      var t = texts[i];
      if (t === want || t === want + "：") return true;
      if (t.indexOf(want) === 0 && /^[（［]/.test(t.slice(want.length))) return true;
    }
    return false;
  }

  function cells(tbl) {
    var out = [];
    kids(tbl, "tr").forEach(function (tr) { out = out.concat(kids(tr, "tc")); });
    return out;
  }

  function findLabel(tbl, label) {
    var list = cells(tbl);
    for (var i = 0; i < list.length; i++) if (isLabel(list[i], label)) return list[i];
    return null;
  }

  function rightOf(tc) {
    for (var n = tc && tc.nextElementSibling; n; n = n.nextElementSibling) {
      if (n.namespaceURI === W && n.localName === "tc") return n;
    }
    return null;
  }

  /* A run holding ``text`` ("\n" as <w:br/>, "\t" as <w:tab/>), with properties ``rPr`` (copied). */
  function makeRun(doc, text, rPr) {
    var r = doc.createElementNS(W, "w:r");
    if (rPr) r.appendChild(rPr.cloneNode(true));
    clean(text).split("\n").forEach(function (line, i) {
      if (i > 0) r.appendChild(doc.createElementNS(W, "w:br"));
      line.split("\t").forEach(function (part, j) {
        if (j > 0) r.appendChild(doc.createElementNS(W, "w:tab"));
        if (!part) return;
        var t = doc.createElementNS(W, "w:t");
        t.setAttributeNS(XML_NS, "xml:space", "preserve");
        t.textContent = part;
        r.appendChild(t);
      });
    });
    return r;
  }

  function markProps(p) {
    var pPr = kids(p, "pPr")[0];
    return pPr ? kids(pPr, "rPr")[0] || null : null;
  }

  /* Write ``text`` into a value cell: its first paragraph, formatted as the paragraph mark. */
  function fillCell(doc, tc, text) {
    if (!tc || !clean(text).trim()) return false;
    var ps = kids(tc, "p");
    var p = ps[0];
    if (!p) {
      p = doc.createElementNS(W, "w:p");
      tc.appendChild(p);
    }
    for (var c = p.firstElementChild; c;) {
      var next = c.nextElementSibling;
      if (!(c.namespaceURI === W && c.localName === "pPr")) p.removeChild(c);
      c = next;
    }
    p.appendChild(makeRun(doc, text, markProps(p)));
    return true;
  }

  /* Replace the text of a paragraph, keeping its first run's formatting. */
  function setParagraphText(doc, p, text) {
    var runs = kids(p, "r");
    var rPr = runs.length ? kids(runs[0], "rPr")[0] : markProps(p);
    runs.forEach(function (r) { p.removeChild(r); });
    p.appendChild(makeRun(doc, text, rPr || null));
  }

  function previousElement(el) {
    var n = el.previousElementSibling;
    return n && n.namespaceURI === W && n.localName === "p" ? n : null;
  }

  /* --- Tick boxes ----------------------------------------------------------- */
  function tickControls(doc) {
    var found = {};
    all(doc, "sdt").forEach(function (sdt) {
      var pr = kids(sdt, "sdtPr")[0];
      var tag = pr && kids(pr, "tag")[0];
      var val = tag && tag.getAttributeNS(W, "val");
      if (val && val.indexOf("tick:") === 0) found[val] = sdt;
    });
    return found;
  }

  function checkControl(doc, sdt) {
    all(sdt, "checked", W14).forEach(function (el) { el.setAttributeNS(W14, "w14:val", "1"); });
    var content = kids(sdt, "sdtContent")[0] || sdt;
    var ts = all(content, "t");
    if (ts.length) {
      ts[0].textContent = ts[0].textContent.indexOf(BOX) >= 0 ? ts[0].textContent.replace(BOX, TICK) : TICK;
    }
  }

  /* The write-in after a tagged 其他 box: a blank run after it is replaced, else a run is added. */
  function writeAfterControl(doc, sdt, text) {
    if (!clean(text).trim()) return;
    for (var n = sdt.nextElementSibling; n; n = n.nextElementSibling) {
      if (n.namespaceURI === W && n.localName === "r") {
        var t = textOf(n);
        if (t && /^[＿_\s\u3000]+$/.test(t) && squeeze(t.replace(/[＿_]/g, "")) === "") {
          var rPr = kids(n, "rPr")[0] || null;
          n.parentNode.replaceChild(makeRun(doc, text.replace(/\n/g, " "), rPr), n);
          return;
        }
        break;
      }
      if (n.namespaceURI === W && n.localName === "sdt") break;
    }
    var inner = all(sdt, "r")[0];
    var props = inner ? kids(inner, "rPr")[0] : null;
    sdt.parentNode.insertBefore(makeRun(doc, text.replace(/\n/g, " "), props || null), sdt.nextSibling);
  }

  /* Today's blank: "□option" in the choice cell's text. */
  function tickPlain(cell, option, other) {
    if (!cell) return;
    var ts = all(cell, "t");
    for (var i = 0; i < ts.length; i++) {
      var s = ts[i].textContent;
      var at = -1;
      if (option === "其他") {
        var m = /□[＿_]+/.exec(s);
        if (m) {
          var fill = clean(other).replace(/\n/g, " ").trim();
          ts[i].textContent = s.slice(0, m.index) + TICK + (fill || m[0].slice(1)) + s.slice(m.index + m[0].length);
          return;
        }
        continue;
      }
      var from = 0;
      while ((at = s.indexOf(BOX + option, from)) >= 0) {
        var after = s.charAt(at + 1 + option.length);
        if (after === "" || after === BOX || /[\s\u3000]/.test(after)) break;
        from = at + 1;
      }
      if (at >= 0) {
        ts[i].textContent = s.slice(0, at) + TICK + s.slice(at + 1);
        return;
      }
    }
  }

  /* --- The document --------------------------------------------------------- */
  function activityCaption(data, index, stage) {
    var caption = data.table_title + (data.numbers[index] || String(index + 1));
    for (var i = 0; i < data.stages.length; i++) {
      if (data.stages[i].name === stage) return caption + "（" + stage + "，" + data.stages[i].span + "）";
    }
    return stage ? caption + "（" + stage + "）" : caption;
  }

  function fillDocument(xml, data, state) {
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) throw new Error("样表 Word 文件无法读取");
    var body = all(doc, "body")[0];
    var values = state.values || {};
    var tables = kids(body, "tbl");
    var basic = null;
    var activities = [];
    tables.forEach(function (tbl) {
      if (!basic && findLabel(tbl, data.rows[0])) basic = tbl;
      else if (findLabel(tbl, data.elements[0])) activities.push(tbl);
    });
    if (!basic) throw new Error("样表 Word 文件中找不到“" + data.rows[0] + "”");

    // 报送时间 (a paragraph "单位盖章：\t报送时间：" in the blank, or a labelled cell)
    data.header.forEach(function (field) {
      var value = clean(values["header:" + field] || "").replace(/\n/g, " ");
      if (!value.trim()) return;
      var cell = null;
      tables.forEach(function (tbl) { cell = cell || findLabel(tbl, field); });
      if (cell) return fillCell(doc, rightOf(cell), value);
      var ts = all(body, "t");
      for (var i = 0; i < ts.length; i++) {
        var k = ts[i].textContent.indexOf(field + "：");
        if (k >= 0) {
          var cut = k + field.length + 1;
          ts[i].setAttributeNS(XML_NS, "xml:space", "preserve");
          ts[i].textContent = ts[i].textContent.slice(0, cut) + value + ts[i].textContent.slice(cut);
          return;
        }
      }
    });

    var controls = tickControls(doc);
    var tagged = Object.keys(controls).length > 0;
    Object.keys(values).forEach(function (key) {
      var parts = key.split(":");
      var value = values[key];
      if (parts[0] === "basic") {
        fillCell(doc, rightOf(findLabel(basic, parts[1])), value);
      } else if (parts[0] === "contact") {
        fillCell(doc, rightOf(findLabel(basic, parts[2])), value);
      } else if (parts[0] === "choice") {
        var row = parts[1];
        var other = values["other:" + row] || "";
        (value || []).forEach(function (option) {
          if (tagged) {
            var sdt = controls["tick:" + row + ":" + option];
            if (!sdt) return;
            checkControl(doc, sdt);
            if (option === "其他") writeAfterControl(doc, sdt, other);
          } else {
            tickPlain(rightOf(findLabel(basic, row)), option, other);
          }
        });
      }
    });

    // One table per activity: clone the last one (with its caption) for more, remove the rest.
    var wanted = state.activities || [];
    if (activities.length) {
      while (activities.length < wanted.length) {
        var last = activities[activities.length - 1];
        var cap = previousElement(last);
        var copy = last.cloneNode(true);
        var anchor = last.nextSibling;
        if (cap) body.insertBefore(cap.cloneNode(true), anchor);
        body.insertBefore(copy, anchor);
        activities.push(copy);
      }
      while (activities.length > Math.max(wanted.length, 1)) {
        var gone = activities.pop();
        var gcap = previousElement(gone);
        if (gcap) body.removeChild(gcap);
        body.removeChild(gone);
      }
    }
    wanted.forEach(function (activity, i) {
      var tbl = activities[i];
      if (!tbl) return;
      var caption = previousElement(tbl);
      if (caption) setParagraphText(doc, caption, activityCaption(data, i, activity.stage || ""));
      data.elements.forEach(function (element) {
        fillCell(doc, rightOf(findLabel(tbl, element)), (activity.el || {})[element] || "");
      });
    });

    var out = new XMLSerializer().serializeToString(doc);
    if (!/^<\?xml/.test(out)) out = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + out;
    return out;
  }

  function build(data, state) {
    return fetch(data.blank_docx, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("无法读取样表 Word 文件（" + response.status + "）");
      return response.arrayBuffer();
    }).then(function (buffer) {
      var fflate = window.fflate;
      var files = fflate.unzipSync(new Uint8Array(buffer));
      var xml = new TextDecoder("utf-8").decode(files["word/document.xml"]);
      files["word/document.xml"] = new TextEncoder().encode(fillDocument(xml, data, state));
      var zipped = fflate.zipSync(files, { level: 6 });
      return new Blob([zipped], { type: DOCX_TYPE });
    });
  }

  window.formExport = { build: build, fillDocument: fillDocument };
})();
