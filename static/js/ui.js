/* 自治体クラウド: small behaviours of the platform components (no framework, no CDN).
 * - marks the menu and sub-menu link of the current screen with aria-current="page";
 * - makes every <table data-sortable> sortable by its column headers (a button in each
 *   <th>, keyboard usable, aria-sort announced); a cell may carry data-sort-value, figures
 *   such as "1,234円" sort as numbers; a header with data-sort="none" stays fixed, and
 *   rows of <tfoot> (totals) never move.
 */
(function () {
  "use strict";

  function markCurrent() {
    var here = window.location.pathname;
    var navs = document.querySelectorAll("nav.menu, nav.subnav");
    navs.forEach(function (nav) {
      var best = null;
      var bestLength = 0;
      nav.querySelectorAll("a[href]").forEach(function (a) {
        var path = new URL(a.href, window.location.href).pathname;
        var matches = path === here || (path !== "/" && here.indexOf(path) === 0);
        if (matches && path.length > bestLength) {
          best = a;
          bestLength = path.length;
        }
      });
      if (best) best.setAttribute("aria-current", "page");
    });
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.hasAttribute("data-sort-value")
      ? cell.getAttribute("data-sort-value")
      : cell.textContent.trim();
    var figure = raw.replace(/[,円%件人\s]/g, "");
    if (figure !== "" && /^[-−]?\d+(\.\d+)?$/.test(figure)) {
      return parseFloat(figure.replace("−", "-"));
    }
    return raw;
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), "ja");
  }

  function makeSortable(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body || !head.rows.length) return;
    var headers = Array.prototype.slice.call(head.rows[head.rows.length - 1].cells);
    headers.forEach(function (th, index) {
      if (th.getAttribute("data-sort") === "none" || th.colSpan > 1) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function init() {
    markCurrent();
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
