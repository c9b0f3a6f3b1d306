// Site search (issue 11 item 5): the theme's search box, answered by Pagefind.
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

// "/<year>/contacts/#x" → "<year>/contacts/#x": the theme resolves it against the site root.
const relative = url => url.replace(/^\/+/, "");

export function connect(root) {
  const listeners = [];
  let pagefind = null;
  const ready = import(new URL("pagefind/pagefind.js", root).href).then(async module => {
    await module.options({ baseUrl: "/", excerptLength: 24 });
    await module.init();
    pagefind = module;
  });
  let queue = Promise.resolve();
  const emit = data => listeners.slice().forEach(fn => fn({ data }));

  async function search(query) {
    const text = clean(query);
    if (!text) return { items: [], total: 0 };
    await ready;
    let found = await pagefind.search(text);
    let terms = Object.fromEntries(text.split(" ").map(t => [t, true]));
    if (!found.results.length) [found, terms] = await anyWord(text);
    const pages = await Promise.all(found.results.slice(0, MAX_PAGES * 2).map(async r => ({ r, d: await r.data() })));
    const ranked = pages
      .map(({ r, d }) => ({ d, score: r.score * (d.meta && d.meta.boost ? Number(d.meta.boost) : 1) }))
      .sort((a, b) => b.score - a.score || (a.d.url < b.d.url ? -1 : 1))
      .slice(0, MAX_PAGES);
    const items = ranked.map(({ d, score }) => {
      const page = { location: relative(d.url), title: escape(decode(plain(d.meta.title) || d.url)), text: `<p>${plain(d.excerpt)}</p>`, score, terms };
      const sections = (d.sub_results || [])
        .filter(s => s.url.includes("#") && s.url !== d.url)
        .slice(0, MAX_SECTIONS)
        .map((s, i) => ({ location: relative(s.url), title: escape(decode(plain(s.title))), text: `<p>${plain(s.excerpt)}</p>`, score: score * (0.9 - i * 0.01), terms }));
      return [page, ...sections];
    });
    return { items, total: found.results.length };
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
  };
}
