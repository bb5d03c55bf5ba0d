// Minimal Eleventy site for the weeknotes benchmark: item, tag and author pages, a
// paginated home (10 per page) and one Atom feed. Markdown is plain Markdown (no Liquid
// pre-processing), as in the other tools.
const PER_PAGE = 10;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

function newestFirst(api) {
  return api
    .getFilteredByGlob(["./notes/*.md", "./links/*.md"])
    .sort((a, b) => b.date - a.date || (a.url < b.url ? -1 : 1));
}

function groupBy(items, keysOf) {
  const groups = new Map();
  for (const item of items) {
    for (const key of keysOf(item)) {
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
  }
  return [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function paged(groups) {
  const pages = [];
  for (const [key, items] of groups) {
    const total = Math.ceil(items.length / PER_PAGE);
    for (let i = 0; i < total; i++) {
      pages.push({ key, number: i + 1, total, items: items.slice(i * PER_PAGE, (i + 1) * PER_PAGE) });
    }
  }
  return pages;
}

const byTag = (api) => groupBy(newestFirst(api), (item) => item.data.tags || []);
const byAuthor = (api) => groupBy(newestFirst(api), (item) => [item.data.author]);

module.exports = function (eleventyConfig) {
  eleventyConfig.addGlobalData("site", {
    title: "Working Out Loud (benchmark)",
    url: "https://bench.example.org",
  });
  eleventyConfig.addCollection("items", newestFirst);
  eleventyConfig.addCollection("tagPages", (api) => paged(byTag(api)));
  eleventyConfig.addCollection("authorPages", (api) => paged(byAuthor(api)));
  eleventyConfig.addCollection("tagCounts", (api) => byTag(api).map(([key, items]) => ({ key, count: items.length })));
  eleventyConfig.addCollection("authorCounts", (api) => byAuthor(api).map(([key, items]) => ({ key, count: items.length })));
  eleventyConfig.addFilter("summary", (html) => {
    const match = /<p>([\s\S]*?)<\/p>/.exec(html || "");
    const text = match ? match[1].replace(/<[^>]+>/g, "") : "";
    return text.length > 300 ? text.slice(0, 297) + "..." : text;
  });
  eleventyConfig.addFilter("isodate", (date) => date.toISOString().replace(".000Z", "Z"));
  eleventyConfig.addFilter("longdate", (date) =>
    `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`);
  eleventyConfig.addFilter("take", (items, n) => items.slice(0, n));
  return {
    templateFormats: ["md", "njk"],
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
    dir: { input: ".", includes: "_includes", data: "_data", output: "_site" },
  };
};
