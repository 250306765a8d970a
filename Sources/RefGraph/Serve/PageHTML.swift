/// The explorer page's files. The page is static: every name and value comes
/// from `/api/` as JSON and goes into the page as text nodes, never as markup.
enum PageAssets {
    /// `/`: the shell; `app.js` draws each view into `main`.
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>refgraph</title>
<link rel="stylesheet" href="app.css">
<script src="app.js" defer></script>
</head>
<body>
<header>
  <span class="brand">refgraph</span>
  <nav id="nav"></nav>
  <form id="selector-form" autocomplete="off">
    <input id="selector" name="selector" placeholder="selector, e.g. type == dict and len > 1000" spellcheck="false">
    <button type="submit">Select</button>
  </form>
</header>
<pre id="selector-error" class="error" hidden></pre>
<main id="view"><p class="muted">Loading…</p></main>
<noscript>This explorer needs JavaScript; every view has a refgraph command too (docs/GUIDE.md).</noscript>
</body>
</html>
"""#
}
