// Content review pages: play buttons, the timeline of a routine's block, the Mermaid diagram, and
// the slow checks (hamstring-skill check and the vignettes), asked for until they are done.
"use strict";

(() => {
  const {el, playerWidget, Player, timeline, fmt} = Console;
  const urgencies = window.URGENCIES || {};

  document.querySelectorAll(".play-text").forEach(button => {
    button.addEventListener("click", () => {
      const segments = [{kind: "speech", text: button.dataset.text, seconds: Number(button.dataset.seconds)}];
      new Player(segments, null, null).play();
    });
  });

  document.querySelectorAll("section.block").forEach(block => {
    const segments = [...block.querySelectorAll("tr.cue")].map(row => row.dataset.kind === "say"
      ? {kind: "speech", text: row.dataset.text, seconds: Number(row.dataset.seconds)}
      : {kind: "pause", seconds: Number(row.dataset.seconds)});
    const widget = playerWidget(segments);
    block.querySelector(".timeline-slot").append(widget);
    block.querySelector(".play-block").addEventListener("click", () => widget.play());
  });

  const diagram = document.getElementById("triage-diagram");
  if (diagram && window.mermaid) {
    window.mermaid.initialize({startOnLoad: false, securityLevel: "strict", flowchart: {htmlLabels: false}});
    window.mermaid.run({nodes: [diagram]}).then(() => {
      diagram.dataset.rendered = "yes";
      // Fitted to the page by default; "ware grootte" shows it at its own size, to scroll through.
      const svg = diagram.querySelector("svg");
      const box = diagram.closest(".diagram");
      const toggle = document.getElementById("diagram-size");
      if (!svg || !toggle) return;
      const fitted = svg.style.maxWidth;
      toggle.hidden = false;
      toggle.addEventListener("click", () => {
        const full = toggle.dataset.full !== "yes";
        toggle.dataset.full = full ? "yes" : "no";
        svg.style.maxWidth = full ? "none" : fitted;
        svg.style.width = full ? fitted : "100%";
        box.classList.toggle("full", full);
        toggle.textContent = full ? "Passend maken" : "Ware grootte";
        if (full) box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
      });
    })
      .catch(error => { diagram.dataset.rendered = "error"; diagram.after(el("p", {class: "error", text: `Mermaid: ${error.message || error}`})); });
  }

  const box = document.getElementById("full-check");
  async function poll() {
    let data;
    try {
      data = await (await fetch("api/check")).json();
    } catch (error) {
      setTimeout(poll, 3000);
      return;
    }
    if (data.state === "running" || data.state === "idle") {
      setTimeout(poll, 1500);
      return;
    }
    box.replaceChildren();
    box.dataset.state = data.state;
    if (data.state === "failed") {
      box.append(el("p", {class: "error", text: `De volledige controle kon niet draaien: ${data.message}`}));
      return;
    }
    const findings = data.findings || [];
    if (!findings.length) {
      box.append(el("p", {class: "good-line", text: "Volledige controle (hamstring-skill check): alles in orde, inhoud en interactiemodel."}));
    } else {
      box.append(el("p", {}, el("strong", {text: `Volledige controle (hamstring-skill check): ${findings.length} ${findings.length === 1 ? "probleem" : "problemen"}.`})));
      const list = el("ul", {class: "problem-list"});
      for (const f of findings) list.append(el("li", {}, el("code", {text: f.where}), `: ${f.message}`));
      box.append(list);
    }
    const played = data.vignettes || [];
    if (played.length) {
      const wrong = played.filter(v => !v.ok).length;
      box.append(el("p", {class: wrong ? "error" : "good-line",
        text: `Vignetten door de simulator gespeeld: ${played.length - wrong} van ${played.length} krijgen de verwachte urgentie.`}));
    }
    for (const v of played) {
      const table = document.querySelector(`table.vignettes[data-set="${v.set}"]`);
      if (!table) continue;
      const row = [...table.querySelectorAll("tbody tr")].find(r => r.dataset.name === v.name);
      if (!row) continue;
      const cell = row.querySelector(".played");
      cell.classList.remove("muted");
      cell.replaceChildren(v.error ? el("span", {class: "error", text: v.error})
        : el("span", {}, el("span", {class: `urgency urgency-${v.got}`, text: urgencies[v.got] || v.got}),
             v.ok ? " ✓" : " ✗", el("br"), el("span", {class: "muted", text: `${v.asked.length} vragen · ${v.decided_by}`})));
      row.classList.toggle("mismatch", !v.ok);
    }
  }
  if (box) poll();
})();
