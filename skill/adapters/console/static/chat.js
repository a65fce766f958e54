// The chat pane and the why-pane. One server-side session per tab, by a random id the server hands out.
"use strict";

(() => {
  const {el, playerWidget, autoplay, fmt} = Console;
  const turnsBox = document.getElementById("turns");
  const whyBody = document.getElementById("why-body");
  const whyTurn = document.getElementById("why-turn");
  const suggestionsBox = document.getElementById("suggestions");
  const urgencies = window.URGENCIES || {};
  let sessionId = null;
  let busy = false;
  const views = [];

  async function call(url, body) {
    const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                       body: JSON.stringify(body || {})});
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    return data;
  }

  async function act(action, body) {
    if (busy) return;
    busy = true;
    document.body.classList.add("busy");
    try {
      let data;
      if (!sessionId) data = await call("api/sessions");
      else data = await call(`api/sessions/${encodeURIComponent(sessionId)}/${action}`, body);
      sessionId = data.session;
      show(data, action, body);
    } catch (error) {
      if (String(error.message).includes("bestaat niet meer")) sessionId = null;
      turnsBox.append(el("div", {class: "note error", text: error.message}));
    } finally {
      busy = false;
      document.body.classList.remove("busy");
    }
  }

  function show(data, action, body) {
    document.getElementById("clock").textContent = `klok van de simulator: ${data.clock}`;
    document.getElementById("content-changed").hidden = !data.content_changed;
    if (action === "wait" || action === "interrupt") {
      const seconds = body.seconds;
      turnsBox.append(el("div", {class: "note", text: action === "wait"
        ? `— ${seconds} seconden verstrijken —` : `— de volgende zin onderbreekt het vorige antwoord na ${seconds} seconden —`}));
    }
    if (data.turn) addTurn(data.turn);
    if (!data.in_session && data.turn) {
      turnsBox.append(el("div", {class: "note", text: "— de sessie is afgesloten; wat je nu zegt, opent een nieuwe —"}));
    }
    renderSuggestions(data.suggestions || []);
    turnsBox.scrollTop = turnsBox.scrollHeight;
  }

  function addTurn(view) {
    views.push(view);
    const index = views.length - 1;
    const box = el("article", {class: "turn", "data-turn": String(view.turn)});
    if (view.user) box.append(el("p", {class: "user", text: `Jij: ${view.user}`}));
    else if (view.request.type === "Reprompt" || view.request.type === "SessionEndedRequest")
      box.append(el("p", {class: "user muted", text: "(stilte)"}));
    const said = el("div", {class: "skill"});
    said.append(el("p", {class: "speech", text: view.speech || "(Alexa zegt niets)"}));
    if (view.segments.length) {
      const widget = playerWidget(view.segments);
      said.append(widget);
      if (autoplay()) setTimeout(() => widget.play(), 0);
    }
    if (view.reprompt) said.append(el("p", {class: "reprompt muted", text: `Als je niets zegt: ${view.reprompt}`}));
    if (view.card) said.append(el("p", {class: "card muted", text: `Kaart in de Alexa-app: ${view.card.title}`}));
    box.append(said);
    box.addEventListener("click", event => {
      if (event.target.closest("button")) return;
      select(index);
    });
    turnsBox.append(box);
    select(index);
  }

  function row(label, value) {
    return el("tr", {}, el("th", {text: label}), el("td", {}, value));
  }

  function code(text) { return el("code", {text: String(text)}); }

  function select(index) {
    const view = views[index];
    turnsBox.querySelectorAll(".turn").forEach(t => t.classList.toggle("selected", t.dataset.turn === String(view.turn)));
    whyTurn.textContent = `· beurt ${view.turn}`;
    whyBody.replaceChildren();

    const understood = el("table", {class: "kv", id: "why-understanding"});
    const u = view.understanding;
    understood.append(row("Verzoek", code(view.request.type)));
    if (view.request.intent) understood.append(row("Intent", code(view.request.intent)));
    if (u) {
      understood.append(row("Score (offline NLU)", el("span", {id: "why-score", text: `${Number(u.score).toFixed(3)} · ${u.method || u.kind}`})));
      if (u.one_shot) understood.append(row("Met aanroepnaam", "ja: een nieuwe sessie"));
    }
    const slots = Object.entries(view.request.slots || {}).filter(([, s]) => s.value != null);
    if (slots.length) {
      const list = el("ul", {class: "slots"});
      for (const [name, slot] of slots) {
        list.append(el("li", {}, code(name), ` = "${slot.value}"`, slot.id ? el("span", {}, " → ", code(slot.id)) : " (niet herkend)"));
      }
      understood.append(row("Slots", list));
    }
    whyBody.append(el("h3", {text: "Begrepen"}), understood);

    const spoken = el("table", {class: "kv"});
    spoken.append(row("Inhoud gesproken", view.content_ids.length
      ? el("span", {id: "why-content"}, ...view.content_ids.flatMap((id, i) => i ? [", ", code(id)] : [code(id)])) : "—"));
    spoken.append(row("Duur (geschat)", `${fmt(view.seconds)} (${view.segments.filter(s => s.kind === "pause").length} pauzes)`));
    spoken.append(row("Sessie", view.end_session ? "afgesloten" : "blijft open"));
    if (view.mode) spoken.append(row("Dialoog", code(view.mode)));
    whyBody.append(el("h3", {text: "Gezegd"}), spoken);

    if (view.triage_state || view.triage || view.emergency) {
      const triage = el("table", {class: "kv", id: "why-triage"});
      if (view.emergency) triage.append(row("Noodsignaal", el("strong", {class: "urgency urgency-emergency", text: view.emergency})));
      if (view.triage) {
        const urgency = view.triage.urgency;
        triage.append(row("Urgentie", el("strong", {id: "why-urgency", class: `urgency urgency-${urgency}`,
                                                    "data-urgency": urgency, text: `${urgencies[urgency] || urgency} (${urgency})`})));
        if (view.triage.grade != null) triage.append(row("Graad", String(view.triage.grade)));
        if (view.triage.red_flags && view.triage.red_flags.length) triage.append(row("Alarmsignalen", view.triage.red_flags.join(", ")));
        if (view.decided_by) triage.append(row("Beslissende regel", code(view.decided_by)));
      }
      const state = view.triage_state;
      if (state) {
        if (state.current && !view.triage) triage.append(row("Vraag nu", el("span", {}, code(state.current), " ", state.question || "")));
        const answers = state.answers || [];
        if (answers.length) {
          const list = el("ol", {class: "answers"});
          for (const item of answers) list.append(el("li", {}, code(item.question), `: ${item.answer}`));
          triage.append(row(`Antwoorden (${answers.length})`, list));
        }
        if (state.misses) triage.append(row("Niet begrepen", String(state.misses)));
      }
      whyBody.append(el("h3", {text: "Triage"}), triage);
    }
    if (view.coach) {
      const coach = el("table", {class: "kv", id: "why-coach"});
      coach.append(row("Sessie", code(view.coach.routine)));
      coach.append(row("Onderdeel", String(Number(view.coach.block) + 1)));
      coach.append(row("Begon bij oefening", `nummer ${Number(view.coach.exercise) + 1}`));
      whyBody.append(el("h3", {text: "Coach"}), coach);
    }
    const raw = {...view};
    for (const key of ["understanding", "segments", "reprompt_segments", "seconds", "triage_state", "mode", "decided_by"]) delete raw[key];
    whyBody.append(el("details", {class: "raw"}, el("summary", {text: "Zelfde gegevens als --json"}),
                      el("pre", {text: JSON.stringify(raw, null, 2)})));
    if (view.reprompt_segments && view.reprompt_segments.length) {
      whyBody.append(el("h3", {text: "Herhaalvraag"}), playerWidget(view.reprompt_segments));
    }
  }

  function renderSuggestions(list) {
    suggestionsBox.replaceChildren();
    const groups = new Map();
    for (const item of list) {
      if (!groups.has(item.group)) groups.set(item.group, []);
      groups.get(item.group).push(item.text);
    }
    for (const [group, texts] of groups) {
      const box = el("div", {class: "suggestion-group", "data-group": group}, el("span", {class: "group-label", text: group}));
      for (const text of texts) {
        const button = el("button", {type: "button", class: "suggestion", text});
        button.dataset.text = text;
        button.addEventListener("click", () => act("say", {text}));
        box.append(button);
      }
      suggestionsBox.append(box);
    }
  }

  document.getElementById("say-form").addEventListener("submit", event => {
    event.preventDefault();
    const input = document.getElementById("utterance");
    const text = input.value;
    input.value = "";
    act("say", {text});
  });
  document.getElementById("silence").addEventListener("click", () => act("silence"));
  document.getElementById("new-session").addEventListener("click", () => act("new"));
  document.getElementById("wait").addEventListener("click", () =>
    act("wait", {seconds: document.getElementById("wait-seconds").value}));
  document.getElementById("interrupt").addEventListener("click", () =>
    act("interrupt", {seconds: document.getElementById("interrupt-seconds").value}));

  act("new");
})();
