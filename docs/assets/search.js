// Site search (issue 11 item 5): the theme's search box, answered by Pagefind.
// On an engine without that search box (Zensical), dialog() below draws the
// site's own search dialog with the same answers.
//
// The theme (Material for MkDocs) sends the reader's query to a search
// worker and draws the results itself. overrides/partials/lazy-search.html
// hands the theme this object instead of its own lunr worker, on the first
// use of search. It speaks the theme's worker messages (0 setup, 1 ready,
// 2 query, 3 result) and asks Pagefind (site/pagefind/, written at build by
// scripts/sitegen/search.py), which cuts Chinese into words and searches a
// query of one word as that word. The theme's look, keys and Chinese
// wording stay as they are; no other host is contacted.

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const MAX_PAGES = 10;      // result groups shown (one per page)
const MAX_SECTIONS = 4;    // sections of a page listed under "在该页上还有…"

// The index has zero-width breaks between words (scripts/sitegen/search.py); they stay out of what is shown.
const plain = text => String(text || "").replace(/\u200b/g, "");
// Pagefind's titles may carry character references (&#60;); shown as text, escaped once.
const decode = text => String(text).replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
  .replace(/&(lt|gt|quot|#39|amp);/g, (_, e) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e]);
const escape = text => String(text).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// The theme's query syntax (+term, -term, term*, "…") means nothing to Pagefind.
const clean = query => String(query).replace(/["*+~^:]|(^|\s)-/g, " ").replace(/\s+/g, " ").trim();

// An excerpt is the sentence around the hit (issue 11 item 5), not a window
// of words that starts mid-sentence. The hit is the query itself where the
// page's text has it (a query of one word), else where Pagefind's excerpt
// marks it. The page's text around it is cut at the sentence marks (。！？；,
// and the ". " Pagefind puts after a heading; scripts/sitegen/search.py ends
// table cells in ；). A short sentence takes the next one with it (a table
// row: 5月8日 …；活动筹备方案 …), a long one is cut around the hit.
const SENTENCE_END = /[。！？!?；]|\. /g;
const MIN_CHARS = 40, MAX_CHARS = 90;

// Where `word` first occurs in `text` at or after `from`, ignoring case and spaces: [start, end] or null.
function locate(text, word, from = 0) {
  const want = word.replace(/\s+/g, "").toLowerCase();
  if (!want) return null;
  const at = [], chars = [];
  for (let i = from; i < text.length; i++) if (!/\s/.test(text[i])) { at.push(i); chars.push(text[i].toLowerCase()); }
  const i = chars.join("").indexOf(want);
  return i < 0 ? null : [at[i], at[i + want.length - 1] + 1];
}

const hasWord = (content, word) => locate(plain(content), word) !== null;

// One space at most, none after a Chinese mark (the page's line breaks and cell ends); the ". "
// Pagefind puts after a heading or paragraph reads as 。 before Chinese text (如何报送。会员单位…).
const tidy = text => text.replace(/\s+/g, " ").replace(/\. (?=[\u4e00-\u9fff“（《【])/g, "。")
  .replace(/([：；。，、）」”]) /g, "$1");

function sentence(content, excerpt, word) {
  const text = plain(content), shown = plain(excerpt);
  const bare = shown.replace(/<\/?mark>/g, "");
  const at = text.indexOf(bare);
  // the word inside Pagefind's excerpt (a section's), else its first place on the page
  let hit = word && at >= 0 ? locate(text, word, at) : null;
  if (word && (!hit || hit[1] > at + bare.length)) hit = locate(text, word);
  let words = word ? [word] : [];
  if (!hit) {
    words = [...new Set((shown.replace(/<\/mark>(\s*)<mark>/g, "$1").match(/<mark>[^<]*<\/mark>/g) || [])
      .map(m => m.slice(6, -7).trim()).filter(Boolean))];
    const first = shown.indexOf("<mark>");
    if (!words.length || at < 0 || first < 0) return escape(decode(bare));
    const start = at + shown.slice(0, first).replace(/<\/?mark>/g, "").length;
    hit = [start, start + words[0].length];
  }
  const ends = [...text.matchAll(SENTENCE_END)].map(m => m.index + m[0].length);
  let start = Math.max(0, ...ends.filter(e => e <= hit[0]));
  let end = ends.find(e => e >= hit[1]) ?? text.length;
  while (end - start < MIN_CHARS && end < text.length) end = ends.find(e => e > end) ?? text.length;
  while (end - start < MIN_CHARS && start > 0) start = Math.max(0, ...ends.filter(e => e < start));
  let cut = tidy(text.slice(start, end)).trim();
  if (cut.length > MAX_CHARS) {
    const before = tidy(text.slice(start, hit[0])).trimStart().length;
    const from = Math.max(0, Math.min(before - 20, cut.length - MAX_CHARS));
    cut = (from > 0 ? "…" : "") + cut.slice(from, from + MAX_CHARS) + (from + MAX_CHARS < cut.length ? "…" : "");
  }
  return mark(escape(decode(cut)), words.map(w => escape(decode(w))));
}

// Each word of the hit marked, as the theme marks its own results.
function mark(html, words) {
  const pattern = words.sort((a, b) => b.length - a.length).map(w => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  return pattern ? html.replace(new RegExp(pattern, "gi"), "<mark>$&</mark>") : html;
}

// "/<year>/contacts/#x" → "<year>/contacts/#x": the theme resolves it against the site root.
const relative = url => url.replace(/^\/+/, "");

export function connect(root) {
  const listeners = [];
  let pagefind = null;
  let failed = false;  // no index (a preview without Pagefind): every answer is empty
  const ready = import(new URL("pagefind/pagefind.js", root).href).then(async module => {
    await module.options({ baseUrl: "/", excerptLength: 24 });
    await module.init();
    pagefind = module;
  });
  ready.catch(() => { failed = true; });
  let queue = Promise.resolve();
  const emit = data => listeners.slice().forEach(fn => fn({ data }));

  async function search(query) {
    const text = clean(query);
    if (!text) return { items: [], total: 0 };
    await ready;
    let found = await pagefind.search(text);
    let terms = Object.fromEntries(text.split(" ").map(t => [t, true]));
    const word = text.includes(" ") ? null : text;
    let pages = word ? await asOneWord(word, found) : null;
    if (!pages) {
      if (!found.results.length) [found, terms] = await anyWord(text);
      pages = await Promise.all(found.results.slice(0, MAX_PAGES * 2).map(async r => ({ score: r.score, d: await r.data() })));
    }
    const ranked = pages
      .map(({ d, score }) => ({ d, score: score * (d.meta && d.meta.boost ? Number(d.meta.boost) : 1) }))
      .sort((a, b) => b.score - a.score || (a.d.url < b.d.url ? -1 : 1))
      .slice(0, MAX_PAGES);
    const items = ranked.map(({ d, score }) => {
      const whole = word && hasWord(d.content, word) ? word : null;
      const page = { location: relative(d.url), title: escape(decode(plain(d.meta.title) || d.url)), text: `<p>${sentence(d.content, d.excerpt, whole)}</p>`, score, terms };
      const sections = (d.sub_results || [])
        .filter(s => s.url.includes("#") && s.url !== d.url)
        .filter(s => !whole || hasWord(s.excerpt.replace(/<\/?mark>/g, ""), whole))  // a section listed has the word itself
        .slice(0, MAX_SECTIONS)
        .map((s, i) => ({ location: relative(s.url), title: escape(decode(plain(s.title))), text: `<p>${sentence(d.content, s.excerpt, whole)}</p>`, score: score * (0.9 - i * 0.01), terms }));
      return [page, ...sections];
    });
    return { items, total: found.results.length };
  }

  // A query of one word (no space) is searched as that word: Pagefind cuts
  // 第二阶段 into 第二 / 阶段 and would also list a page that has 第二 in one
  // place and 阶段 in another. Listed are only the pages whose text has the
  // word itself: those of Pagefind's exact search ("…", whose excerpt and
  // sections are at the word) and those of the ordinary search (the exact
  // search misses a word its segmenter cuts otherwise than the index:
  // 科技工作者之家). The exact search does not rank, so each page keeps the
  // score of the ordinary search. No page has the word (怎么报送): null, the
  // ordinary results.
  async function asOneWord(word, found) {
    const exact = await pagefind.search(`"${word}"`);
    const scores = new Map(found.results.map(r => [r.id, r.score]));
    const floor = Math.min(...scores.values(), 1) / 2;  // found only by the exact search: after the others
    const seen = new Set(), candidates = [];
    for (const r of [...exact.results, ...found.results.slice(0, MAX_PAGES * 2)]) {
      if (!seen.has(r.id)) seen.add(r.id) && candidates.push(r);
    }
    const pages = (await Promise.all(candidates.map(async r => ({ score: scores.get(r.id) ?? floor, d: await r.data() }))))
      .filter(({ d }) => hasWord(d.content, word));
    return pages.length ? pages : null;
  }

  // Nothing has every word (怎么报送: no page says 怎么): pages with any of
  // them, scores added up; the theme marks the words not found as 缺少.
  async function anyWord(text) {
    const words = typeof Intl !== "undefined" && Intl.Segmenter
      ? [...new Intl.Segmenter("zh", { granularity: "word" }).segment(text)].filter(s => s.isWordLike).map(s => s.segment)
      : text.split(" ");
    const terms = {}, byId = new Map();
    for (const word of new Set(words)) {
      const found = await pagefind.search(word);
      terms[word] = found.results.length > 0;
      for (const r of found.results) {
        const seen = byId.get(r.id);
        byId.set(r.id, seen ? { ...seen, score: seen.score + r.score } : { id: r.id, score: r.score, data: r.data });
      }
    }
    // a page whose title names one of the words (如何报送 for 报送) comes first
    const results = await Promise.all([...byId.values()].map(async r => {
      const d = await r.data();
      const named = [...new Set(words)].some(w => terms[w] && plain(d.meta.title).includes(w));
      return { ...r, data: async () => d, score: r.score * (named ? 2 : 1) };
    }));
    return [{ results: results.sort((a, b) => b.score - a.score) }, terms];
  }

  return {
    addEventListener(type, fn) { if (type === "message") listeners.push(fn); },
    removeEventListener(type, fn) { const i = listeners.indexOf(fn); if (i >= 0) listeners.splice(i, 1); },
    postMessage(message) {
      if (!message) return;
      if (message.type === SETUP) ready.then(() => emit({ type: READY }), error => { console.warn(error); emit({ type: READY }); });
      // One query at a time, answered in the order asked (the theme asks on every key and shows the last answer).
      else if (message.type === QUERY) queue = queue.then(() => search(message.data)).then(data => emit({ type: RESULT, data }), error => {
        console.warn(error);
        emit({ type: RESULT, data: { items: [], total: 0 } });
      });
    },
    terminate() { listeners.length = 0; },
    get failed() { return failed; },
  };
}

// The site's own search dialog (overrides/partials/site-search.html), where
// the theme has no search box to hand connect() to (Zensical). It asks
// connect() as the theme does and draws the answer in the dialog: one entry
// per page, its sections under it, each a link; the count and "没有…" in the
// dialog's status line, in the theme's Chinese words (the dialog's data-*).
// Enter opens the first result; ↓ and ↑ move between the results and back
// to the search box. Called once, by docs/assets/site-search.js.
export function dialog(element, root) {
  const input = element.querySelector("input");
  const status = element.querySelector(".md-search-result__meta");
  const list = element.querySelector(".md-search-result__list");
  const words = name => element.getAttribute(`data-${name}`) || "";
  const search = connect(root);
  let sent = 0, received = 0, shown = "";

  search.addEventListener("message", ({ data }) => {
    // Answers come in the order asked: only the answer to the last query is drawn, and none once the box is empty.
    if (data.type !== RESULT || ++received !== sent || !shown) return;
    draw(data.data.items);
  });

  function draw(items) {
    list.replaceChildren(...items.map(group => {
      const item = document.createElement("li");
      item.className = "md-search-result__item";
      group.forEach((entry, i) => item.append(link(entry, i === 0 ? "h2" : "h3")));
      return item;
    }));
    const count = items.length;
    status.textContent = search.failed ? words("error")
      : count === 0 ? words("none") : count === 1 ? words("one") : words("other").replace("#", count);
  }

  // entry.title and entry.text are HTML that search() escaped and marked.
  function link(entry, heading) {
    const a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = new URL(entry.location, root).href;
    const article = document.createElement("article");
    article.className = "md-search-result__article";
    const title = document.createElement(heading);
    title.innerHTML = entry.title;
    article.append(title);
    article.insertAdjacentHTML("beforeend", entry.text);
    a.append(article);
    return a;
  }

  function ask() {
    const query = input.value.trim();
    if (query === shown) return;
    shown = query;
    if (!query) {
      list.replaceChildren();
      status.textContent = words("placeholder");
      return;
    }
    sent++;
    search.postMessage({ type: QUERY, data: query });
  }

  function results() {
    return [...list.querySelectorAll("a.md-search-result__link")];
  }

  input.addEventListener("input", ask);
  element.querySelector("form").addEventListener("submit", event => {
    event.preventDefault();
    const first = results()[0];
    if (first) first.click();
  });
  element.addEventListener("keydown", event => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = results();
    const at = links.indexOf(document.activeElement);
    if (at < 0 && document.activeElement !== input) return;
    event.preventDefault();
    const next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) input.focus();
    else if (next < links.length) links[next].focus();
  });
  search.postMessage({ type: SETUP });
  ask();  // what was typed before the search was loaded
}
