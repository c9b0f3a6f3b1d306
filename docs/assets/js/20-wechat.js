/* Download hint for readers inside WeChat's built-in browser.
 *
 * WeChat (user agent contains "MicroMessenger") often blocks file downloads.
 * There, a page with download links gets one hint, once, just above its
 * first download link: a one-line bar (<details>/<summary>) that opens to
 * say what to do for each kind of file the page offers. The bar itself is in
 * the page from the build (scripts/sitegen/wechathint.py: hidden, shown from
 * the first paint inside WeChat by a CSS rule on html[data-wechat]), so
 * nothing moves when this script runs; the script fills in what it says when
 * opened:
 *   - Word/PDF: open the page in the system browser (··· menu), a button that
 *     copies the page's address, and an e-mail fallback to the member units'
 *     submission mailbox (from the data embedded by partials/live-status.md.j2);
 *   - calendar (.ics, webcal:): open in the browser, or copy the calendar's
 *     address and subscribe to it in the phone's calendar;
 *   - contact card (.vcf): open in the browser, or copy the name, phone and
 *     e-mail (the link's data-card, from contacts.yaml) and add the contact by
 *     hand. Never "ask a mailbox for the card": most cards are not the
 *     society's to send.
 * Copying uses the Clipboard API, then execCommand("copy"), and when both
 * fail shows the text in a selected read-only field to copy by hand.
 * Anywhere else the bar is removed. No dependencies.
 */
(function () {
  "use strict";

  var HINT_CLASS = "wechat-hint";
  var HINT_ID = "wechat-hint";

  function inWeChat() {
    return /MicroMessenger/i.test(navigator.userAgent || "");
  }

  function pageUrl() {
    return window.location.href.split("#")[0];
  }

  function isDownload(a) {
    if (a.closest("." + HINT_CLASS)) return false;
    if (a.hasAttribute("download")) return true;
    var href = a.getAttribute("href") || "";
    return /^webcal:/i.test(href) || /(^|\/)downloads\//.test(href);
  }

  /* "file" (Word, PDF and the like), "calendar" or "card". */
  function kindOf(a) {
    var href = (a.getAttribute("href") || "").split(/[?#]/)[0];
    if (/^webcal:/i.test(href) || /\.ics$/i.test(href)) return "calendar";
    if (/\.vcf$/i.test(href)) return "card";
    return "file";
  }

  /* The name offered when saving: the download attribute, else the URL's last part. */
  function fileName(a) {
    var name = a.getAttribute("download");
    if (name) return name;
    var href = (a.getAttribute("href") || "").split(/[?#]/)[0];
    try {
      return decodeURIComponent(href.split("/").pop() || "");
    } catch (e) {
      return href.split("/").pop() || "";
    }
  }

  /* Copy with the async Clipboard API, else the old execCommand path; resolves to true when copied. */
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () {
        return legacyCopy(text);
      });
    }
    return Promise.resolve(legacyCopy(text));
  }

  function legacyCopy(text) {
    var focused = document.activeElement;
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.focus();
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    if (focused && focused.focus) focused.focus();  // keep keyboard users on the button
    return ok;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* A button that copies getText(); when copying fails, the text appears selected in a field. */
  function copyControl(label, what, getText) {
    var wrap = el("span", HINT_CLASS + "__copy-wrap");
    var button = el("button", HINT_CLASS + "__copy md-button", label);
    button.type = "button";
    var status = el("span", HINT_CLASS + "__status");
    status.setAttribute("aria-live", "polite");
    var field = el("input", HINT_CLASS + "__field");
    field.type = "text";
    field.readOnly = true;
    field.hidden = true;
    field.setAttribute("aria-label", what);
    button.addEventListener("click", function () {
      var text = getText();
      status.textContent = "";
      copyText(text).then(function (ok) {
        if (ok) {
          field.hidden = true;
          status.textContent = "已复制";
          return;
        }
        field.value = text;
        field.hidden = false;
        field.focus();
        field.select();
        field.setSelectionRange(0, text.length);  // iOS selects only with a range
        status.textContent = "未能自动复制，请长按下面的" + what + "，选择“复制”。";
      });
    });
    wrap.appendChild(button);
    wrap.appendChild(status);
    wrap.appendChild(field);
    return wrap;
  }

  function mailto(address, subject, body) {
    return "mailto:" + address + "?subject=" + encodeURIComponent(subject) + "&body=" + encodeURIComponent(body);
  }

  function unique(list) {
    var out = [];
    for (var i = 0; i < list.length; i++) if (out.indexOf(list[i]) < 0) out.push(list[i]);
    return out;
  }

  function section(title, id) {
    var part = el("div", HINT_CLASS + "__part");
    part.setAttribute("data-kind", id);
    var head = el("p", HINT_CLASS + "__kind");
    head.appendChild(el("strong", "", title));
    part.appendChild(head);
    return [part, head];
  }

  /* What the hint ``box`` (the page's bar, from the build) says when opened, for the download links ``links``. */
  function fillHint(box, links, data) {
    var byKind = { file: [], calendar: [], card: [] };
    for (var i = 0; i < links.length; i++) byKind[kindOf(links[i])].push(links[i]);

    var body = box.querySelector("." + HINT_CLASS + "__body");
    if (!body) {
      body = el("div", HINT_CLASS + "__body");
      box.appendChild(body);
    }
    body.textContent = "";

    body.appendChild(el("p", "", "微信内置浏览器常常不能下载文件。请点右上角“···”，选“在浏览器中打开”，" +
      "再在浏览器里点本页的链接；或复制本页链接，粘贴到手机浏览器打开。"));
    var pageCopy = el("p", HINT_CLASS + "__actions");
    pageCopy.appendChild(copyControl("复制本页链接", "本页链接", pageUrl));
    body.appendChild(pageCopy);

    if (byKind.file.length) {
      var files = unique(byKind.file.map(fileName));
      var types = unique(byKind.file.map(function (x) {
        var ext = ((x.getAttribute("href") || "").split(/[?#]/)[0].split(".").pop() || "").toLowerCase();
        return { docx: "Word", doc: "Word", pdf: "PDF", xlsx: "Excel", xls: "Excel" }[ext] || "下载";
      }));
      var f = section(types.join("、") + " 文件", "file");
      f[1].appendChild(document.createTextNode("：在浏览器中打开本页后即可下载。"));
      if (data && data.mailbox && data.mailbox.address) {
        var label = files.join("、");
        var mail = el("p", "");
        mail.appendChild(document.createTextNode("仍无法下载，可发邮件至 "));
        var a = el("a", "", data.mailbox.address);
        a.href = mailto(data.mailbox.address, "【索取文件】" + label,
          "您好！我在微信中无法下载“" + label + "”，请将文件发送到本邮箱。\n页面：" + pageUrl() + "\n单位名称：");
        mail.appendChild(a);
        mail.appendChild(document.createTextNode("（" + data.mailbox.office + "）索取。"));
        f[0].appendChild(mail);
      }
      body.appendChild(f[0]);
    }

    if (byKind.calendar.length) {
      var c = section("日历", "calendar");
      c[1].appendChild(document.createTextNode("：微信里不能把日期加入手机日历。请在浏览器中打开本页再点“加入手机日历”；" +
        "或复制日历地址，在手机日历中添加订阅（苹果手机：设置 › 日历 › 账户 › 添加账户 › 其他 › " +
        "添加已订阅的日历；安卓手机可在电脑上的 Google 日历“通过网址添加”）。"));
      // One row per calendar file: its download link and its webcal: link are the same file.
      var calFiles = [], rows = {};
      for (var k = 0; k < byKind.calendar.length; k++) {
        var link = byKind.calendar[k];
        var base = (link.getAttribute("href") || "").split(/[?#]/)[0].split("/").pop();
        if (!rows[base]) { rows[base] = { name: "", url: "" }; calFiles.push(base); }
        if (link.hasAttribute("download")) rows[base].name = fileName(link);
        // The subscription address (webcal:, the published site's) is the one to paste; else the file's.
        if (/^webcal:/i.test(link.getAttribute("href"))) rows[base].url = link.getAttribute("href").replace(/^webcal:/i, "https:");
        else if (!rows[base].url) rows[base].url = link.href;
      }
      var list = el("ul", HINT_CLASS + "__list");
      for (var r = 0; r < calFiles.length; r++) {
        var row = rows[calFiles[r]];
        var item = el("li", "", (row.name || calFiles[r]).replace(/\.ics$/i, "") + " ");
        item.appendChild(copyControl("复制日历地址", "日历地址", (function (u) { return function () { return u; }; })(row.url)));
        list.appendChild(item);
      }
      c[0].appendChild(list);
      body.appendChild(c[0]);
    }

    if (byKind.card.length) {
      var v = section("名片", "card");
      v[1].appendChild(document.createTextNode("：微信里不能存入手机通讯录。请在浏览器中打开本页再点“存入手机通讯录”；" +
        "或复制下面的姓名、电话和邮箱，在通讯录里新建联系人。"));
      var cards = el("ul", HINT_CLASS + "__list");
      for (var m = 0; m < byKind.card.length; m++) {
        var text = byKind.card[m].getAttribute("data-card") || fileName(byKind.card[m]).replace(/\.vcf$/i, "");
        var entry = el("li", "", text + " ");
        entry.appendChild(copyControl("复制", "联系方式", (function (t) { return function () { return t; }; })(text)));
        cards.appendChild(entry);
      }
      v[0].appendChild(cards);
      body.appendChild(v[0]);
    }
  }

  function run() {
    var hint = document.getElementById(HINT_ID);
    if (!hint) return;  // a page without downloads (or not built by sitegen: the preview of an engine without our hook)
    if (!inWeChat()) {
      hint.parentNode.removeChild(hint);  // hidden, so removing it moves nothing
      return;
    }
    if (hint.hasAttribute("data-ready")) return;  // already done for this page
    var all = document.querySelectorAll("article a[href]");
    var links = [];
    for (var i = 0; i < all.length; i++) if (isDownload(all[i])) links.push(all[i]);
    if (!links.length) {
      hint.parentNode.removeChild(hint);
      return;
    }
    fillHint(hint, links, window.siteData());
    hint.hidden = false;
    hint.setAttribute("data-ready", "");
    for (var n = 0; n < links.length; n++) {
      var described = links[n].getAttribute("aria-describedby");
      links[n].setAttribute("aria-describedby", described ? described + " " + HINT_ID + "-bar" : HINT_ID + "-bar");
    }
  }

  /* For other scripts (the web form's export, assets/form-fill.js): a one-sentence note for a file made in
   * the page, next to its button (the page's one hint is about the files on the server). */
  window.wechatHint = {
    inWeChat: inWeChat,
    copyText: copyText,
    make: function (names, id) {
      var note = el("p", "wechat-note");
      note.id = id;
      note.setAttribute("role", "note");
      note.textContent = "在微信里可能无法保存“" + names.join("”、“") + "”：请点右上角“···”，选择“在浏览器中打开”后再导出；" +
        "或用“复制全部文字”，粘贴到邮件或文档中。";
      return note;
    }
  };

  window.onEachPage(run);
})();
