/* Answering page: show a question only when its XLSForm « relevant » condition holds.
   The server sends each condition as a small tree (reperes/surveys/expressions.py, to_json)
   and checks everything again on submission; without this script every question is shown. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey]");
  if (!form) { return; }

  function answers() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return; }
      if (el.type === "checkbox") {
        if (!out[el.name]) { out[el.name] = []; }
        if (el.checked) { out[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { out[el.name] = el.value; }
      } else if (el.type !== "submit" && el.type !== "hidden") {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function str(v) {
    if (v === undefined || v === null) { return ""; }
    if (Array.isArray(v)) { return v.join(" "); }
    return String(v);
  }
  function num(v) { return typeof v === "boolean" ? (v ? 1 : 0) : parseFloat(str(v).replace(",", ".")); }
  function bool(v) {
    if (typeof v === "boolean") { return v; }
    if (typeof v === "number") { return v !== 0 && !isNaN(v); }
    return str(v) !== "";
  }
  function items(v) { return Array.isArray(v) ? v : str(v).split(/\s+/).filter(Boolean); }

  function ev(n, a) {
    var k = n.k;
    if (k === "num" || k === "str") { return n.v; }
    if (k === "ref") { return a[n.v] === undefined ? "" : a[n.v]; }
    if (k === "self") { return ""; }
    if (k === "neg") { return -num(ev(n.a[0], a)); }
    if (k === "binop") {
      if (n.v === "and") { return bool(ev(n.a[0], a)) && bool(ev(n.a[1], a)); }
      if (n.v === "or") { return bool(ev(n.a[0], a)) || bool(ev(n.a[1], a)); }
      var l = ev(n.a[0], a), r = ev(n.a[1], a);
      var numeric = typeof l === "number" || typeof r === "number";
      switch (n.v) {
        case "=": return numeric ? num(l) === num(r) : str(l) === str(r);
        case "!=": return numeric ? num(l) !== num(r) : str(l) !== str(r);
        case "<": return num(l) < num(r);
        case "<=": return num(l) <= num(r);
        case ">": return num(l) > num(r);
        case ">=": return num(l) >= num(r);
        case "+": return num(l) + num(r);
        case "-": return num(l) - num(r);
        case "*": return num(l) * num(r);
        case "div": return num(l) / num(r);
        case "mod": return num(l) % num(r);
      }
      return "";
    }
    if (k === "call") {
      var args = (n.a || []).map(function (x) { return ev(x, a); });
      switch (n.v) {
        case "selected": return items(args[0]).indexOf(str(args[1])) !== -1;
        case "count-selected": return items(args[0]).length;
        case "not": return !bool(args[0]);
        case "string-length": return str(args[0]).length;
        case "true": return true;
        case "false": return false;
        case "contains": return str(args[0]).indexOf(str(args[1])) !== -1;
      }
      return true; /* unknown here: show the question, the server decides */
    }
    return true;
  }

  var blocks = form.querySelectorAll("[data-relevant]");
  function update() {
    var a = answers();
    Array.prototype.forEach.call(blocks, function (block) {
      var show = true;
      try { show = bool(ev(JSON.parse(block.getAttribute("data-relevant")), a)); } catch (e) { show = true; }
      block.hidden = !show;
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
