// The console's player: speaks text with the browser's speech synthesis (a Dutch voice where one
// exists) and waits out the SSML pauses, showing where it is on a timeline. Without a voice it
// plays silently at the same estimated pace, so the timeline still shows how long it takes.
"use strict";

const Console = (() => {
  let voice = null;
  let current = null;          // the Player that is playing now

  function findVoice() {
    const status = document.getElementById("voice-status");
    if (!("speechSynthesis" in window)) {
      if (status) status.textContent = "geen spraak in deze browser: stil afspelen";
      return;
    }
    const voices = speechSynthesis.getVoices();
    voice = voices.find(v => v.lang === "nl-NL") || voices.find(v => v.lang && v.lang.toLowerCase().startsWith("nl")) || null;
    if (status) {
      status.textContent = voice ? `stem: ${voice.name} (${voice.lang})`
        : (voices.length ? "geen Nederlandse stem: standaardstem met nl-NL" : "geen stem gevonden: stil afspelen");
    }
  }

  function canSpeak() {
    return "speechSynthesis" in window && speechSynthesis.getVoices().length > 0;
  }

  function tempo() {
    const select = document.getElementById("tempo");
    return select ? Math.max(1, Number(select.value) || 1) : 1;
  }

  function autoplay() {
    const box = document.getElementById("autoplay");
    return !box || box.checked;
  }

  function fmt(seconds) {
    const s = Math.round(seconds);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data-") || key === "title" || key === "type" || key.startsWith("aria-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  // segments: [{kind: "speech", text, seconds} | {kind: "pause", seconds}]
  function timeline(segments) {
    const total = segments.reduce((sum, s) => sum + s.seconds, 0) || 1;
    const bar = el("div", {class: "timeline", "aria-label": `tijdlijn, ${fmt(total)}`});
    segments.forEach((segment, i) => {
      const part = el("span", {
        class: `seg seg-${segment.kind}`,
        title: segment.kind === "pause" ? `pauze ${segment.seconds} s` : `${segment.text} (${segment.seconds} s)`,
      });
      part.dataset.index = i;
      part.style.flex = `${Math.max(segment.seconds, total / 400)} 1 0px`;
      if (segment.kind === "pause") part.textContent = `${String(segment.seconds).replace(".", ",")} s`;
      bar.append(part);
    });
    return bar;
  }

  class Player {
    constructor(segments, bar, status) {
      this.segments = segments; this.bar = bar; this.status = status;
      this.stopped = false; this.timer = null; this.resolveWait = null;
      this.total = segments.reduce((sum, s) => sum + s.seconds, 0);
    }

    wait(ms) {
      return new Promise(resolve => { this.resolveWait = resolve; this.timer = setTimeout(resolve, ms); });
    }

    speak(segment) {
      const pace = tempo();
      if (!canSpeak()) return this.wait(segment.seconds * 1000 / pace);
      return new Promise(resolve => {
        const utterance = new SpeechSynthesisUtterance(segment.text);
        utterance.lang = "nl-NL";
        if (voice) utterance.voice = voice;
        let done = false;
        const finish = () => { if (!done) { done = true; clearTimeout(guard); resolve(); } };
        utterance.onend = finish; utterance.onerror = finish;
        // Some engines never fire onend: give up well after the estimated length (voices are slower
        // or faster than the skill's 14 characters a second).
        const guard = setTimeout(finish, segment.seconds * 2000 + 5000);
        this.resolveWait = finish;
        speechSynthesis.speak(utterance);
      });
    }

    mark(index, state) {
      const part = this.bar && this.bar.querySelector(`[data-index="${index}"]`);
      if (part) { part.classList.remove("playing"); part.classList.add(state); }
    }

    async play() {
      if (current) current.stop();
      current = this;
      this.bar && this.bar.querySelectorAll(".seg").forEach(s => s.classList.remove("played", "playing"));
      this.bar && this.bar.classList.add("active");
      let at = 0;
      for (let i = 0; i < this.segments.length && !this.stopped; i++) {
        const segment = this.segments[i];
        this.mark(i, "playing");
        if (this.status) this.status.textContent = `speelt ${fmt(at)} / ${fmt(this.total)}`;
        if (segment.kind === "pause") await this.wait(segment.seconds * 1000 / tempo());
        else await this.speak(segment);
        if (this.stopped) break;
        this.mark(i, "played");
        at += segment.seconds;
      }
      this.bar && this.bar.classList.remove("active");
      if (this.status) this.status.textContent = this.stopped ? `gestopt bij ${fmt(at)}` : `afgespeeld (${fmt(this.total)})`;
      if (this.bar) this.bar.dataset.state = this.stopped ? "stopped" : "done";
      if (current === this) current = null;
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      if ("speechSynthesis" in window) speechSynthesis.cancel();
      if (this.resolveWait) this.resolveWait();
    }
  }

  function stopAll() { if (current) current.stop(); }

  // A play button with its timeline and status, for a list of segments.
  function playerWidget(segments, label = "▶ afspelen") {
    const bar = timeline(segments);
    const total = segments.reduce((sum, s) => sum + s.seconds, 0);
    const status = el("span", {class: "play-status muted", text: fmt(total)});
    const button = el("button", {type: "button", class: "play", text: label, title: "Afspelen met de stem van de browser"});
    const widget = el("div", {class: "player"}, el("div", {class: "player-row"}, button, status), bar);
    let player = null;
    widget.play = () => { player = new Player(segments, bar, status); return player.play(); };
    button.addEventListener("click", () => widget.play());
    return widget;
  }

  // Tempo and "voorlezen" carry over from page to page (this browser only).
  function keepSettings() {
    for (const id of ["tempo", "autoplay"]) {
      const input = document.getElementById(id);
      if (!input) continue;
      const saved = localStorage.getItem(`console-${id}`);
      if (saved !== null) {
        if (input.type === "checkbox") input.checked = saved === "1"; else input.value = saved;
      }
      input.addEventListener("change", () =>
        localStorage.setItem(`console-${id}`, input.type === "checkbox" ? (input.checked ? "1" : "0") : input.value));
    }
  }

  keepSettings();
  document.addEventListener("DOMContentLoaded", () => {
    findVoice();
    if ("speechSynthesis" in window) speechSynthesis.onvoiceschanged = findVoice;
    const stop = document.getElementById("stop-all");
    if (stop) stop.addEventListener("click", stopAll);
  });

  return {Player, timeline, playerWidget, stopAll, autoplay, fmt, el};
})();
