/* The web form on the 样表 page (scripts/sitegen/templates/partials/form-fill.md.j2)
 * and the unit name on 如何报送.
 *
 * Everything stays on the device: the draft is kept in localStorage under
 * the edition's key (kjgzzr:form:<year>) as the reader types, and restored
 * on return. Each activity counts its words against the data's word_limit
 * (CJK characters one each, runs of other letters or digits one each): over
 * the limit is a warning, never a block. 导出 Word loads assets/form-export.js
 * (and fflate) only when pressed; 打印 / 存为 PDF fills a copy of the sample
 * table on the page and prints only that (print CSS in 40-form-fill.css).
 * Elements with data-unit-text / data-unit-href (如何报送's file names and
 * mailto subjects) show the unit name typed in the draft.
 *
 * Not part of assets/site.js: only the pages that use it load it, with
 * partials/form-fill-script.md.j2 (样表 and 如何报送), so 首页 and the rest
 * do not download it (issue 11: 首页 at most 70 KB). It is deferred and
 * stands before site.js, whose window.onEachPage it needs: it starts at
 * DOMContentLoaded, when every deferred script has run.
 */
(function () {
  "use strict";

  var MAX_WAIT = 400;  // ms between the last key and saving the draft

  function readData() {
    var el = document.getElementById("form-fill-data");
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem("kjgzzr:probe", "1");
      s.removeItem("kjgzzr:probe");
      return s;
    } catch (e) {
      return null;
    }
  }

  function loadDraft(key) {
    var s = storage();
    if (!s) return null;
    try {
      var d = JSON.parse(s.getItem(key) || "null");
      return d && typeof d === "object" && d.values ? d : null;
    } catch (e) {
      return null;
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()); }
  function dayClock(date) {
    var today = new Date();
    var same = date.toDateString() === today.toDateString();
    return (same ? "" : (date.getMonth() + 1) + "月" + date.getDate() + "日 ") + clock(date);
  }

  /* 字数: each CJK character (and full-width punctuation) counts one, each run of other letters/digits one. */
  function countWords(text) {
    var cjk = /[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]|[\uD840-\uD87F][\uDC00-\uDFFF]/g;
    var n = (text.match(cjk) || []).length;
    var rest = text.replace(cjk, " ");
    var words = rest.match(/[A-Za-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+(?:['’.\-][A-Za-z0-9]+)*/g) || [];
    return n + words.length;
  }

  function unitName(data, values) {
    var v = values && values[data.unit_key];
    v = typeof v === "string" ? v.replace(/\s+/g, " ").trim() : "";
    return v || data.unit_placeholder;
  }

  /* File-name safe: no \ / : * ? " < > | or control characters, no leading/trailing dots or spaces. */
  function safeName(name) {
    var s = name.replace(/[\\/:*?"<>|\u0000-\u001F\u007F]/g, "_").replace(/\s+/g, " ").replace(/^[\s.]+|[\s.]+$/g, "");
    return s.slice(0, 80) || "单位名称";
  }

  function fileName(data, values) {
    return data.file_name.replace("{unit}", safeName(unitName(data, values)));
  }

  /* Elements that show the unit name (on 如何报送 and on the form page). */
  function showUnit(unit, placeholder) {
    var enc = encodeURIComponent(placeholder);
    var els = document.querySelectorAll("[data-unit-text]");
    for (var i = 0; i < els.length; i++) {
      els[i].textContent = els[i].getAttribute("data-unit-text").split(placeholder).join(unit);
    }
    els = document.querySelectorAll("[data-unit-href]");
    for (var j = 0; j < els.length; j++) {
      els[j].setAttribute("href", els[j].getAttribute("data-unit-href").split(enc).join(encodeURIComponent(unit)));
    }
  }

  function unitFromDraft() {
    var el = document.querySelector("[data-unit-draft]");
    if (!el) return;
    var draft = loadDraft(el.getAttribute("data-unit-draft"));
    var placeholder = el.getAttribute("data-unit-placeholder") || "单位名称";
    var unit = draft && draft.values ? String(draft.values[el.getAttribute("data-unit-key")] || "").replace(/\s+/g, " ").trim() : "";
    if (unit) showUnit(unit, placeholder);
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var found = document.querySelector('script[data-ff-src="' + src + '"]');
      if (found && found.getAttribute("data-loaded")) return resolve();
      var s = found || document.createElement("script");
      s.addEventListener("load", function () { s.setAttribute("data-loaded", "1"); resolve(); });
      s.addEventListener("error", function () { reject(new Error("无法加载 " + src)); });
      if (!found) {
        s.src = src;
        s.setAttribute("data-ff-src", src);
        document.head.appendChild(s);
      }
    });
  }

  function setup() {
    unitFromDraft();
    var section = document.getElementById("form-fill");
    var data = readData();
    if (!section || !data || section.getAttribute("data-ff-ready")) return;
    section.setAttribute("data-ff-ready", "1");
    section.hidden = false;

    var form = section.querySelector('[data-ff="form"]');
    var list = section.querySelector('[data-ff="activities"]');
    var status = section.querySelector('[data-ff="status"]');
    var draftStatus = section.querySelector('[data-ff="draft-status"]');
    var addButton = section.querySelector('[data-ff="add"]');
    var addStatus = section.querySelector('[data-ff="add-status"]');
    var template = list.querySelector('[data-ff="activity"]:last-of-type').cloneNode(true);
    var store = storage();
    var timer = null;

    function q(el, sel) { return el.querySelectorAll(sel); }
    function activities() { return list.querySelectorAll('[data-ff="activity"]'); }

    function collect() {
      var values = {};
      var fields = q(form, "[data-ff-key]");
      for (var i = 0; i < fields.length; i++) {
        var f = fields[i];
        if (f.closest('[data-ff="activity"]')) continue;
        var key = f.getAttribute("data-ff-key");
        if (f.type === "checkbox") {
          values[key] = values[key] || [];
          if (f.checked) values[key].push(f.value);
        } else {
          values[key] = f.value;
        }
      }
      var acts = [];
      var blocks = activities();
      for (var a = 0; a < blocks.length; a++) {
        var el = {};
        var stage = "";
        var inner = q(blocks[a], "[data-ff-key]");
        for (var k = 0; k < inner.length; k++) {
          var name = inner[k].getAttribute("data-ff-key");
          if (name === "stage") stage = inner[k].value;
          else el[name.slice(3)] = inner[k].value;
        }
        acts.push({ stage: stage, el: el });
      }
      return { v: 1, values: values, activities: acts };
    }

    function renumber() {
      var blocks = activities();
      for (var i = 0; i < blocks.length; i++) {
        var n = i + 1;
        var b = blocks[i];
        b.querySelector('[data-ff="activity-number"]').textContent = data.numbers[i] || String(n);
        var named = q(b, "[id], label[for]");
        for (var k = 0; k < named.length; k++) {
          var el = named[k];
          if (el.id) el.id = el.id.replace(/^ff-a\d+-/, "ff-a" + n + "-");
          if (el.htmlFor) el.htmlFor = el.htmlFor.replace(/^ff-a\d+-/, "ff-a" + n + "-");
        }
        var areas = q(b, "textarea");
        for (var t = 0; t < areas.length; t++) areas[t].setAttribute("aria-describedby", "ff-a" + n + "-count");
        var remove = b.querySelector('[data-ff="remove"]');
        remove.disabled = blocks.length <= 1;
        remove.textContent = "删除" + data.table_title + (data.numbers[i] || n);
      }
      addButton.disabled = blocks.length >= data.max_activities;
      addButton.textContent = blocks.length >= data.max_activities ? "已达" + data.max_activities + "项活动" : "增加一项活动";
    }

    function addActivity(stage) {
      var block = template.cloneNode(true);
      var fields = q(block, "textarea, select");
      for (var i = 0; i < fields.length; i++) fields[i].value = "";
      if (stage != null) block.querySelector("select").value = stage;
      block.querySelector('[data-ff="warn"]').textContent = "";
      block.removeAttribute("data-over");
      list.appendChild(block);
      renumber();
      count(block, true);
      return block;
    }

    function count(block) {
      var total = 0;
      var areas = q(block, "textarea");
      for (var i = 0; i < areas.length; i++) total += countWords(areas[i].value);
      var over = total > data.word_limit;
      var counter = block.querySelector('[data-ff="count"]');
      counter.textContent = "已写 " + total + " 字（原则上" + data.word_limit + "字以内）" + (over ? "：超出 " + (total - data.word_limit) + " 字" : "");
      counter.classList.toggle("ff-count--over", over);
      var was = block.getAttribute("data-over") === "1";
      if (over !== was) {
        block.setAttribute("data-over", over ? "1" : "0");
        var name = data.table_title + block.querySelector('[data-ff="activity-number"]').textContent;
        block.querySelector('[data-ff="warn"]').textContent = over
          ? "提示：" + name + "已超过" + data.word_limit + "字，建议精简；仍可保存和导出。" : "";
      }
      return total;
    }

    function apply(state) {
      var values = state.values || {};
      var fields = q(form, "[data-ff-key]");
      for (var i = 0; i < fields.length; i++) {
        var f = fields[i];
        if (f.closest('[data-ff="activity"]')) continue;
        var v = values[f.getAttribute("data-ff-key")];
        if (f.type === "checkbox") f.checked = Array.isArray(v) && v.indexOf(f.value) >= 0;
        else f.value = typeof v === "string" ? v : "";
      }
      var acts = (state.activities || []).slice(0, data.max_activities);
      if (!acts.length) acts = [{ stage: "", el: {} }];
      var blocks = activities();
      for (var r = blocks.length - 1; r >= acts.length; r--) list.removeChild(blocks[r]);
      while (activities().length < acts.length) addActivity("");
      blocks = activities();
      for (var a = 0; a < acts.length; a++) {
        var inner = q(blocks[a], "[data-ff-key]");
        for (var k = 0; k < inner.length; k++) {
          var name = inner[k].getAttribute("data-ff-key");
          var val = name === "stage" ? acts[a].stage : (acts[a].el || {})[name.slice(3)];
          inner[k].value = typeof val === "string" ? val : "";
        }
        blocks[a].removeAttribute("data-over");
        blocks[a].querySelector('[data-ff="warn"]').textContent = "";
      }
      renumber();
      for (var c = 0; c < blocks.length; c++) count(blocks[c], true);
      refreshUnit(state.values);
    }

    function refreshUnit(values) {
      showUnit(unitName(data, values), data.unit_placeholder);
      var name = section.querySelector('[data-ff="file-name"]');
      if (name) name.textContent = fileName(data, values);
      var hint = document.getElementById("wechat-hint-form");
      if (hint && hint.getAttribute("data-name") !== fileName(data, values)) showWeChatHint(values);
    }

    /* Inside WeChat: the usual download hint under the export buttons, naming the file to be made. */
    function showWeChatHint(values) {
      var old = document.getElementById("wechat-hint-form");
      var name = fileName(data, values);
      var hint = window.wechatHint.make([name], "wechat-hint-form");
      hint.setAttribute("data-name", name);
      if (old) {
        old.parentNode.replaceChild(hint, old);
      } else {
        var output = section.querySelector(".ff-output .ff-actions");
        output.parentNode.insertBefore(hint, output.nextSibling);
      }
    }

    function save() {
      timer = null;
      var state = collect();
      refreshUnit(state.values);
      if (!store) {
        draftStatus.textContent = "此浏览器不能保存草稿（可能处于无痕模式）；请在离开本页前导出。";
        return;
      }
      state.saved = new Date().toISOString();
      try {
        store.setItem(data.draft_key, JSON.stringify(state));
        draftStatus.textContent = "草稿已保存于 " + clock(new Date(state.saved)) + "（只存在本机浏览器中）";
      } catch (e) {
        draftStatus.textContent = "草稿未能保存（浏览器存储已满）；请导出 Word 保留内容。";
      }
    }

    function later() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, MAX_WAIT);
    }

    var defaults = collect();
    var draft = loadDraft(data.draft_key);
    if (draft) {
      apply(draft);
      var when = new Date(draft.saved);
      draftStatus.textContent = isNaN(when) ? "已恢复上次的草稿。" : "已恢复草稿（保存于 " + dayClock(when) + "）";
    } else {
      renumber();
      refreshUnit(defaults.values);
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("input", function (e) {
      var t = e.target;
      var block = t.closest && t.closest('[data-ff="activity"]');
      if (block && t.tagName === "TEXTAREA") count(block);
      // Typing a write-in ticks its 其他 box.
      var key = t.getAttribute && t.getAttribute("data-ff-key");
      if (key && key.indexOf("other:") === 0 && t.value.trim()) {
        var box = form.querySelector('[data-ff-other="' + t.id + '"]');
        if (box) box.checked = true;
      }
      later();
    });
    form.addEventListener("change", later);
    // Leaving the page (reload, another page, the app to the background) saves what is pending.
    var flush = function () { if (timer) { clearTimeout(timer); save(); } };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });

    list.addEventListener("click", function (e) {
      var button = e.target.closest('[data-ff="remove"]');
      if (!button || button.disabled) return;
      var block = button.closest('[data-ff="activity"]');
      var name = data.table_title + block.querySelector('[data-ff="activity-number"]').textContent;
      var prev = block.previousElementSibling || block.nextElementSibling;
      list.removeChild(block);
      renumber();
      addStatus.textContent = "已删除" + name + "，现有 " + activities().length + " 项。";
      var focus = prev && prev.querySelector("select");
      (focus || addButton).focus();
      save();
    });
    addButton.addEventListener("click", function () {
      if (activities().length >= data.max_activities) return;
      var block = addActivity("");
      addStatus.textContent = "已增加" + data.table_title + block.querySelector('[data-ff="activity-number"]').textContent + "。";
      block.querySelector("select").focus();
      save();
    });

    // 清除草稿: asks first (inline), then clears the stored draft and the fields.
    var clearButton = section.querySelector('[data-ff="clear"]');
    var confirmBox = section.querySelector('[data-ff="confirm"]');
    clearButton.addEventListener("click", function () {
      confirmBox.hidden = false;
      confirmBox.querySelector('[data-ff="clear-no"]').focus();
    });
    confirmBox.querySelector('[data-ff="clear-no"]').addEventListener("click", function () {
      confirmBox.hidden = true;
      clearButton.focus();
    });
    confirmBox.querySelector('[data-ff="clear-yes"]').addEventListener("click", function () {
      if (timer) clearTimeout(timer);
      timer = null;
      if (store) store.removeItem(data.draft_key);
      apply(defaults);
      confirmBox.hidden = true;
      draftStatus.textContent = "草稿已清除。";
      status.textContent = "";
      clearButton.focus();
    });

    // --- Plain text of everything typed (WeChat's 复制全部文字) -------------------
    function plainText(state) {
      var v = state.values;
      var lines = [data.title, ""];
      data.header.forEach(function (f) { if (v["header:" + f]) lines.push(f + "：" + v["header:" + f]); });
      lines.push(data.basic_heading);
      var fields = q(form, "[data-ff-key]");
      var done = {};
      for (var i = 0; i < fields.length; i++) {
        var f = fields[i];
        var key = f.getAttribute("data-ff-key");
        if (f.closest('[data-ff="activity"]') || done[key] || key.indexOf("header:") === 0) continue;
        done[key] = true;
        var parts = key.split(":");
        var val = v[key];
        if (parts[0] === "choice") {
          var chosen = (val || []).map(function (o) { return o === "其他" && v["other:" + parts[1]] ? "其他（" + v["other:" + parts[1]] + "）" : o; });
          lines.push(parts[1] + "：" + chosen.join("、"));
        } else if (parts[0] === "contact") {
          lines.push(parts[1] + " " + parts[2] + "：" + (val || ""));
        } else if (parts[0] === "basic") {
          lines.push((f.getAttribute("data-ff-label") || parts[1]) + "：" + (val || ""));
        }
      }
      lines.push("", data.plan_heading);
      state.activities.forEach(function (a, n) {
        lines.push("", data.table_title + (data.numbers[n] || n + 1) + (a.stage ? "（" + a.stage + "）" : ""));
        data.elements.forEach(function (e) { lines.push(e + "：" + ((a.el || {})[e] || "")); });
      });
      return lines.join("\n");
    }

    // --- 打印 / 存为 PDF: the sample table, filled, and nothing else ------------------
    function printView(state) {
      var sample = document.querySelector(".form-sample");
      var old = document.querySelector(".form-print");
      if (old) old.parentNode.removeChild(old);
      var box = document.createElement("div");
      box.className = "form-print";
      var copy = sample.cloneNode(true);
      var ids = q(copy, "[id]");
      for (var i = 0; i < ids.length; i++) ids[i].removeAttribute("id");
      var v = state.values;
      var cellsWith = q(copy, "[data-ff-cell]");
      for (var c = 0; c < cellsWith.length; c++) {
        var cell = cellsWith[c];
        var key = cell.getAttribute("data-ff-cell");
        if (key.indexOf("el:") === 0) continue;
        var text = typeof v[key] === "string" ? v[key].trim() : "";
        if (text) { cell.textContent = text; cell.classList.add("form-print__value"); }
      }
      var choiceCells = q(copy, "[data-ff-choice]");
      for (var k = 0; k < choiceCells.length; k++) {
        var chosen = v["choice:" + choiceCells[k].getAttribute("data-ff-choice")] || [];
        var ticks = q(choiceCells[k], "[data-ff-tick]");
        for (var t = 0; t < ticks.length; t++) {
          if (chosen.indexOf(ticks[t].getAttribute("data-ff-tick")) >= 0) ticks[t].firstElementChild.textContent = "☑";
        }
      }
      var tables = Array.prototype.slice.call(q(copy, "[data-ff-activity]"));
      var acts = state.activities;
      while (tables.length && tables.length < acts.length) {
        var last = tables[tables.length - 1];
        var clone = last.cloneNode(true);
        last.parentNode.insertBefore(clone, last.nextSibling);
        tables.push(clone);
      }
      while (tables.length > Math.max(acts.length, 1)) {
        var gone = tables.pop();
        gone.parentNode.removeChild(gone);
      }
      acts.forEach(function (a, n) {
        var tbl = tables[n];
        var caption = data.table_title + (data.numbers[n] || n + 1);
        data.stages.forEach(function (s) { if (s.name === a.stage) caption += "（" + s.name + "，" + s.span + "）"; });
        tbl.querySelector("[data-ff-caption]").textContent = caption;
        var cells = q(tbl, "[data-ff-cell]");
        for (var e = 0; e < cells.length; e++) {
          var val = (a.el || {})[cells[e].getAttribute("data-ff-cell").slice(3)] || "";
          cells[e].textContent = val.trim();
          if (val.trim()) cells[e].classList.add("form-print__value");
        }
      });
      box.appendChild(copy);
      document.body.appendChild(box);
      return box;
    }

    section.querySelector('[data-ff="print"]').addEventListener("click", function () {
      if (timer) save();
      printView(collect());
      document.documentElement.classList.add("ff-printing");
      var done = function () {
        document.documentElement.classList.remove("ff-printing");
        window.removeEventListener("afterprint", done);
      };
      window.addEventListener("afterprint", done);
      window.print();
    });

    var exportButton = section.querySelector('[data-ff="export"]');
    if (exportButton && data.blank_docx) {
      exportButton.addEventListener("click", function () {
        if (timer) save();
        var state = collect();
        var name = fileName(data, state.values);
        var started = performance.now();
        exportButton.disabled = true;
        status.textContent = "正在生成 Word 文件……";
        loadScript(data.fflate_js).then(function () { return loadScript(data.export_js); }).then(function () {
          return window.formExport.build(data, state);
        }).then(function (blob) {
          var ms = Math.round(performance.now() - started);
          status.setAttribute("data-ms", String(ms));
          var url = URL.createObjectURL(blob);
          var a = document.createElement("a");
          a.href = url;
          a.download = name;
          a.hidden = true;
          document.body.appendChild(a);
          a.click();
          document.body.removeChild(a);
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          status.textContent = "已生成“" + name + "”" + (inWeChat ? "；如未能保存，请看下面的提示。" : "，请在浏览器的下载中查看。");
        }).catch(function (err) {
          status.textContent = "导出失败：" + (err && err.message ? err.message : err) + "。可以改用“打印 / 存为 PDF”，或下载上面的空白样表填写。";
        }).then(function () {
          exportButton.disabled = false;
        });
      });
    }

    // Inside WeChat, blob downloads fail: the usual hint, and the typed text to copy.
    var inWeChat = !!(window.wechatHint && window.wechatHint.inWeChat());
    if (inWeChat) {
      var copyButton = section.querySelector('[data-ff="copy"]');
      copyButton.hidden = false;
      showWeChatHint(collect().values);
      if (exportButton) exportButton.setAttribute("aria-describedby", "wechat-hint-form");
      copyButton.addEventListener("click", function () {
        status.textContent = "";
        var text = plainText(collect());
        window.wechatHint.copyText(text).then(function (ok) {
          status.textContent = ok ? "已复制全部文字，可粘贴到邮件或文档中。" : "未能自动复制；请在电脑浏览器中打开本页导出。";
        });
      });
    }
  }

  window.formFill = { countWords: countWords, safeName: safeName };
  function start() { window.onEachPage(setup); }
  if (window.onEachPage) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
