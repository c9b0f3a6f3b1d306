/* Download hint for readers inside WeChat's built-in browser.
 *
 * WeChat (user agent contains "MicroMessenger") often blocks file downloads.
 * There, each download link gets a small, non-blocking note under it: open
 * the page in the system browser, a button that copies the page's address,
 * and an e-mail fallback to the member units' submission mailbox (from the
 * data embedded by partials/live-status.md.j2). Anywhere else nothing shows.
 * No dependencies.
 */
(function () {
  "use strict";

  var HINT_CLASS = "wechat-hint";

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
    return /(^|\/)downloads\//.test(href);
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

  /* Copy with the async Clipboard API, else the old execCommand path. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
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

  function mailto(address, subject, body) {
    return "mailto:" + address + "?subject=" + encodeURIComponent(subject) + "&body=" + encodeURIComponent(body);
  }

  function makeHint(links, data, id) {
    var names = [];
    for (var i = 0; i < links.length; i++) {
      var n = fileName(links[i]);
      if (links[i].hasAttribute("download") && n && names.indexOf(n) < 0) names.push(n);
    }
    return hintFor(names, links.length > 1 ? "这些文件" : "这个文件", fileName(links[0]), data, id);
  }

  /* The hint for files called ``names`` ([] when unknown: then ``what`` and ``label`` name them). */
  function hintFor(names, what, label, data, id) {
    var box = document.createElement("div");
    box.className = HINT_CLASS;
    box.id = id;
    box.setAttribute("role", "note");
    what = names.length ? "“" + names.join("”、“") + "”" : what;
    var text = document.createElement("p");
    text.textContent = "在微信里可能无法下载" + what +
      "：请点右上角“···”，选择“在浏览器中打开”后再下载；或复制本页链接，粘贴到手机浏览器打开。";
    box.appendChild(text);

    var actions = document.createElement("p");
    actions.className = HINT_CLASS + "__actions";
    var button = document.createElement("button");
    button.type = "button";
    button.className = HINT_CLASS + "__copy md-button";
    button.textContent = "复制本页链接";
    var status = document.createElement("span");
    status.className = HINT_CLASS + "__status";
    status.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      var url = pageUrl();
      status.textContent = "";
      copyText(url).then(function (ok) {
        status.textContent = ok ? "已复制" : "未能自动复制，请长按地址栏复制：" + url;
      });
    });
    actions.appendChild(button);
    actions.appendChild(status);
    box.appendChild(actions);

    if (data && data.mailbox && data.mailbox.address) {
      label = names.length ? names.join("、") : label || document.title;
      var mail = document.createElement("p");
      mail.appendChild(document.createTextNode("仍无法下载，可发邮件至 "));
      var a = document.createElement("a");
      a.href = mailto(data.mailbox.address, "【索取文件】" + label,
        "您好！我在微信中无法下载“" + label + "”，请将文件发送到本邮箱。\n页面：" + pageUrl() + "\n单位名称：");
      a.textContent = data.mailbox.address;
      mail.appendChild(a);
      mail.appendChild(document.createTextNode("（" + data.mailbox.office + "）索取。"));
      box.appendChild(mail);
    }
    return box;
  }

  /* Where a link's hint goes. A list made only of download links gets one
   * hint after the list; any other link gets it right after the sentence
   * that holds it (after its paragraph, or inside its list item / cell
   * before any nested list). Returns [anchor element, insert function]. */
  function spot(link) {
    var item = link.closest("li");
    var list = item && item.parentElement;
    if (list && /^(UL|OL)$/.test(list.tagName)) {
      var all = true;
      for (var i = 0; i < list.children.length; i++) {
        var links = list.children[i].querySelectorAll("a[href]");
        var has = false;
        for (var j = 0; j < links.length; j++) has = has || isDownload(links[j]);
        all = all && has;
      }
      if (all) return [list, function (hint) { list.parentNode.insertBefore(hint, list.nextSibling); }];
    }
    var block = link.closest("li, dd, td, p, section, div") || link.parentNode;
    if (block.tagName === "P") {
      return [block, function (hint) { block.parentNode.insertBefore(hint, block.nextSibling); }];
    }
    return [block, function (hint) {
      var before = null;
      for (var k = 0; k < block.children.length && !before; k++) {
        var child = block.children[k];
        if (/^(UL|OL|DL|DIV|TABLE|P)$/.test(child.tagName) && !child.contains(link) &&
            (link.compareDocumentPosition(child) & Node.DOCUMENT_POSITION_FOLLOWING)) before = child;
      }
      block.insertBefore(hint, before);
    }];
  }

  function run() {
    if (!inWeChat()) return;
    if (document.querySelector("." + HINT_CLASS + ":not([data-wechat-own])")) return;  // already done for this page
    var data = window.siteData();
    var groups = [];
    var links = document.querySelectorAll("main a[href], article a[href]");
    for (var i = 0; i < links.length; i++) {
      if (!isDownload(links[i])) continue;
      var where = spot(links[i]);
      var group = null;
      for (var g = 0; g < groups.length && !group; g++) if (groups[g].anchor === where[0]) group = groups[g];
      if (!group) groups.push(group = { anchor: where[0], insert: where[1], links: [] });
      group.links.push(links[i]);
    }
    for (var n = 0; n < groups.length; n++) {
      var id = HINT_CLASS + "-" + (n + 1);
      groups[n].insert(makeHint(groups[n].links, data, id));
      // Each download link points at its hint, for screen readers too.
      for (var m = 0; m < groups[n].links.length; m++) {
        var link = groups[n].links[m];
        var described = link.getAttribute("aria-describedby");
        link.setAttribute("aria-describedby", described ? described + " " + id : id);
      }
    }
  }

  /* For other scripts (the web form's export, 40-form-fill.js): the same hint for a file made in the page
   * (without the e-mail fallback: the office cannot send back a file only the reader has). */
  window.wechatHint = {
    inWeChat: inWeChat,
    copyText: copyText,
    make: function (names, id) {
      var box = hintFor(names, "这个文件", names[0], null, id);
      box.setAttribute("data-wechat-own", "");
      return box;
    }
  };

  window.onEachPage(run);
})();
