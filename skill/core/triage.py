"""The triage engine: questions, rules and outcomes from content/triage.yaml. Pure Python.

How it decides (for reviewers):
- Rules are listed from most to least important. A rule fires when all its conditions hold.
  The outcome is the most urgent fired rule; between equally urgent rules, the one listed first.
- "Weet ik niet" never counts against a rule: a rule whose conditions hold except for unknown
  answers fires "unsure", with its `if_unsure` urgency (by default its own urgency). So an
  unknown answer can only keep a more urgent rule possible, never rule it out.
- The engine asks the first question, in file order, whose `ask_if` holds and whose answer could
  still make the outcome (the urgency code) more urgent, or reveal a warning sign at the same
  urgency. It stops as soon as no rule that is still possible could do either: an emergency answer
  ends the questions at once.
- Never more than `max_questions`: rules still open then count as if answered "weet ik niet".

The engine holds no Alexa types and no text beyond what the YAML gives it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from skill.core.validation import Document, Problem, check_schema, check_text

URGENCIES = ("self_care", "physio", "doctor_soon", "doctor_today", "emergency")   # least to most urgent
RANK = {code: i for i, code in enumerate(URGENCIES)}
UNKNOWN = "unknown"
MAX_QUESTIONS = 8

Answer = Any          # True/False, an int, a float number of days, a choice id, or UNKNOWN


# ---------------------------------------------------------------- the protocol as data

@dataclass(frozen=True)
class Condition:
    question: str
    equals: Any = None                   # True/False for yes_no
    one_of: tuple[str, ...] = ()         # choice ids
    at_least: float | None = None        # numbers, scales, durations (days)
    below: float | None = None

    def holds(self, value: Answer) -> bool | None:
        """True, False, or None when the answer is unknown or missing."""
        if value is None or value == UNKNOWN:
            return None
        if self.one_of:
            return value in self.one_of
        if self.at_least is not None or self.below is not None:
            return ((self.at_least is None or value >= self.at_least)
                    and (self.below is None or value < self.below))
        return value == self.equals

    def describe(self, question: "Question") -> str:
        if self.one_of:
            names = [question.choice_label(c) for c in self.one_of]
            return " of ".join(names)
        if self.at_least is not None and self.below is not None:
            return f"{self.at_least:g} tot {self.below:g}{question.unit}"
        if self.at_least is not None:
            return f"{self.at_least:g}{question.unit} of meer"
        if self.below is not None:
            return f"onder {self.below:g}{question.unit}"
        return "ja" if self.equals else "nee"


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    ask: str
    help: str
    examples: str
    choices: tuple[Choice, ...] = ()
    ask_if: tuple[tuple[Condition, ...], ...] = ()     # alternatives: asked when any one of them holds
    minimum: float | None = None
    maximum: float | None = None
    yes_from_days: float | None = None                  # yes/no: a duration this long or longer means yes

    @property
    def unit(self) -> str:
        return " dagen" if self.kind == "duration" else ""

    def choice_label(self, choice_id: str) -> str:
        return next((c.label for c in self.choices if c.id == choice_id), choice_id)


@dataclass(frozen=True)
class Basis:
    """Why a rule exists and where that comes from, for the reviewing physiotherapist."""

    why: str
    source: str


@dataclass(frozen=True)
class Rule:
    id: str
    when: tuple[Condition, ...]
    urgency: str
    outcome: str
    if_unsure: str | None = None
    grade: int | None = None
    red_flag: str | None = None
    basis: Basis | None = None

    def state(self, answers: Mapping[str, Answer]) -> str:
        """"fired", "unsure", "open" (could still fire) or "out"."""
        pending = unsure = False
        for condition in self.when:
            if condition.question not in answers:
                pending = True
                continue
            verdict = condition.holds(answers[condition.question])
            if verdict is False:
                return "out"
            if verdict is None:
                unsure = True
        if pending:
            return "open"
        return "unsure" if unsure else "fired"

    def urgency_when(self, state: str) -> str:
        return (self.if_unsure or self.urgency) if state == "unsure" else self.urgency


@dataclass(frozen=True)
class Outcome:
    id: str
    estimate: str
    advice: str | None = None            # overrides the urgency's default advice
    steps: tuple[str, ...] = ()
    safety_net: str | None = None        # overrides the urgency's default
    offer_topic: str | None = None
    offer_routine: str | None = None


@dataclass(frozen=True)
class EmergencySign:
    """A sign the listener names at any moment ("ik krijg geen lucht"): what to do now, and why."""

    id: str
    why: str
    advice: str | None = None            # overrides the emergency urgency's advice


@dataclass(frozen=True)
class Result:
    """What the triage concluded (so far)."""

    urgency: str
    rule: Rule
    outcome: str
    grade: int | None
    red_flags: tuple[str, ...]
    unsure: bool
    capped: bool = False                 # the question limit was reached with rules still open

    def trace(self) -> dict[str, Any]:
        return {"urgency": self.urgency, "grade": self.grade, "red_flags": list(self.red_flags)}


@dataclass(frozen=True)
class Protocol:
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    outcomes: Mapping[str, Outcome]
    advice: Mapping[str, str]            # urgency -> what to do now
    safety_net: Mapping[str, str]        # urgency -> when to call after all
    step_sets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_questions: int = MAX_QUESTIONS
    emergency_signs: Mapping[str, EmergencySign] = field(default_factory=dict)
    volunteered: Mapping[str, Mapping[str, Answer]] = field(default_factory=dict)   # sign id -> answers

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    # ------------------------------------------------------------ the decision

    def _key(self, rule: Rule, urgency: str) -> tuple[int, int]:
        return (RANK[urgency], -self.rules.index(rule))

    def result(self, answers: Mapping[str, Answer]) -> Result | None:
        """The current outcome: the most urgent rule that fired or fired unsure."""
        best: tuple[tuple[int, int], Rule, str] | None = None
        red_flags = []
        for rule in self.rules:
            state = rule.state(answers)
            if state in ("fired", "unsure"):
                urgency = rule.urgency_when(state)
                if rule.red_flag and rule.red_flag not in red_flags:
                    red_flags.append(rule.red_flag)
                key = self._key(rule, urgency)
                if best is None or key > best[0]:
                    best = (key, rule, state)
        if best is None:
            return None
        _, rule, state = best
        return Result(rule.urgency_when(state), rule, rule.outcome, rule.grade, tuple(red_flags), state == "unsure")

    def _could_beat(self, answers: Mapping[str, Answer], current: Result | None) -> list[Rule]:
        """Rules still open that would make the outcome (the urgency code) more urgent if they fired."""
        beat = []
        for rule in self.rules:
            if rule.state(answers) != "open":
                continue
            if current is None or RANK[rule.urgency] > RANK[current.urgency]:
                beat.append(rule)
            elif (RANK[rule.urgency] == RANK[current.urgency] and rule.red_flag and not current.rule.red_flag
                  and self.rules.index(rule) < self.rules.index(current.rule)):
                beat.append(rule)        # as urgent, but a warning sign changes what to tell
        return beat

    @staticmethod
    def _alternative_ok(conditions: tuple[Condition, ...], answers: Mapping[str, Answer]) -> bool | None:
        waiting = False
        for condition in conditions:
            if condition.question not in answers:
                waiting = True
                continue
            if condition.holds(answers[condition.question]) is False:
                return False
        return None if waiting else True

    def asked_if_ok(self, question: Question, answers: Mapping[str, Answer]) -> bool | None:
        """True when ask_if holds (any one alternative), False when none can, None while it cannot be judged yet."""
        if not question.ask_if:
            return True
        verdicts = [self._alternative_ok(alt, answers) for alt in question.ask_if]
        if True in verdicts:
            return True
        return False if all(v is False for v in verdicts) else None

    def next_question(self, answers: Mapping[str, Answer], asked: int | None = None) -> Question | None:
        """The next question to ask, or None when the outcome can no longer change or `asked` (by
        default the number of answers) reached the question limit."""
        if (len(answers) if asked is None else asked) >= self.max_questions:
            return None
        return self._wanted_question(answers)

    def conclude(self, answers: Mapping[str, Answer], asked: int | None = None) -> Result | None:
        """The outcome once no question is left. When the question limit cut the conversation short,
        every rule still open counts as if its questions were answered "weet ik niet": more care,
        never less (the voice layer then says only what was asked, not the rule's explanation)."""
        if (len(answers) if asked is None else asked) < self.max_questions or self._wanted_question(answers) is None:
            return self.result(answers)
        filled = dict(answers)
        for question in self.questions:                 # in order: ask_if looks back at earlier answers
            if question.id not in filled and self.asked_if_ok(question, filled) is not False:
                filled[question.id] = UNKNOWN
        result = self.result(filled)
        settled = self.result(answers)
        if result is None or (settled is not None and RANK[settled.urgency] >= RANK[result.urgency]):
            return settled
        return Result(result.urgency, result.rule, result.outcome, result.grade, result.red_flags, True, capped=True)

    def _wanted_question(self, answers: Mapping[str, Answer]) -> Question | None:
        current = self.result(answers)
        wanted = {c.question for rule in self._could_beat(answers, current) for c in rule.when}
        for question in reversed(self.questions):      # what a wanted question waits on is wanted too
            if question.id in wanted:
                wanted |= {c.question for alt in question.ask_if
                           if self._alternative_ok(alt, answers) is not False for c in alt}
        for question in self.questions:
            if question.id in answers or question.id not in wanted:
                continue
            if self.asked_if_ok(question, answers) is True:
                return question
        return None

    # ------------------------------------------------------------ exploring every path

    def answer_domain(self, question: Question) -> list[Answer]:
        """One representative answer of every kind that can make a difference, and unknown."""
        if question.kind == "yes_no":
            return [True, False, UNKNOWN]
        if question.kind == "choice":
            return [c.id for c in question.choices] + [UNKNOWN]
        cuts = sorted({v for rule in self.rules + tuple(_ask_if_rules(self.questions)) for c in rule.when
                       if c.question == question.id for v in (c.at_least, c.below) if v is not None})
        low = question.minimum if question.minimum is not None else 0
        points = [low] + cuts
        return sorted(set(points)) + [UNKNOWN]

    def paths(self) -> Iterable[tuple[list[tuple[str, Answer]], Result | None]]:
        """Every conversation the protocol allows: (questions and answers, result)."""
        def walk(answers: dict[str, Answer], asked: list[tuple[str, Answer]]):
            question = self.next_question(answers)
            if question is None:
                yield asked, self.conclude(answers)
                return
            for value in self.answer_domain(question):
                answers[question.id] = value
                yield from walk(answers, asked + [(question.id, value)])
                del answers[question.id]
        yield from walk({}, [])


def _ask_if_rules(questions: Iterable[Question]) -> Iterable[Rule]:
    """ask_if conditions as pseudo-rules, so their thresholds join the answer domain."""
    for q in questions:
        for alternative in q.ask_if:
            yield Rule(f"ask_if:{q.id}", alternative, "self_care", "")


# ---------------------------------------------------------------- loading and validation

def _condition(doc: Document, path: tuple, question_id: str, raw: Any, questions: Mapping[str, dict],
               problems: list[Problem]) -> Condition | None:
    if question_id not in questions:
        problems.append(doc.problem(path, f"de vraag '{question_id}' bestaat niet"))
        return None
    kind = questions[question_id]["kind"]
    if kind == "yes_no":
        if not isinstance(raw, bool):
            problems.append(doc.problem(path, f"'{question_id}' is een ja/nee-vraag: schrijf true (ja) of false (nee)"))
            return None
        return Condition(question_id, equals=raw)
    if kind == "choice":
        options = [c["id"] for c in questions[question_id].get("choices", [])]
        wanted = [raw] if isinstance(raw, str) else raw
        if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
            problems.append(doc.problem(path, f"'{question_id}' is een keuzevraag: noem een keuze of een lijst keuzes"))
            return None
        for w in wanted:
            if w not in options:
                problems.append(doc.problem(path, f"'{w}' is geen keuze van '{question_id}' (wel: {', '.join(options)})"))
        return Condition(question_id, one_of=tuple(wanted))
    if not isinstance(raw, dict) or not set(raw) <= {"at_least", "below"} or not raw:
        problems.append(doc.problem(path, f"'{question_id}' vraagt om een getal: schrijf {{at_least: 8}} of {{below: 18}}"))
        return None
    for bound in raw.values():
        if not isinstance(bound, (int, float)) or isinstance(bound, bool):
            problems.append(doc.problem(path, "een grens is een getal"))
            return None
    return Condition(question_id, at_least=raw.get("at_least"), below=raw.get("below"))


def parse_protocol(doc: Document, topic_ids: Iterable[str] = (), routine_ids: Iterable[str] | None = None
                   ) -> tuple[Protocol | None, list[Problem]]:

    problems = check_schema(doc, "triage")
    if problems:
        return None, problems
    data = doc.data
    raw_questions = {}
    for i, raw in enumerate(data["questions"]):
        if raw["id"] in raw_questions:
            problems.append(doc.problem(("questions", i, "id"), f"de vraag '{raw['id']}' staat er twee keer in; elke vraag wordt maar één keer gesteld"))
        raw_questions.setdefault(raw["id"], raw)
    order = [q["id"] for q in data["questions"]]

    questions = []
    for i, raw in enumerate(data["questions"]):
        here = ("questions", i)
        for key in ("ask", "help", "examples"):
            problems += check_text(doc, here + (key,), raw[key], 400)
        if raw["kind"] == "choice" and len(raw.get("choices", [])) < 2:
            problems.append(doc.problem(here, "een keuzevraag heeft minstens twee keuzes"))
        if raw["kind"] != "choice" and raw.get("choices"):
            problems.append(doc.problem(here + ("choices",), "alleen een keuzevraag heeft keuzes"))
        ask_if = []
        for a, (alt_path, alternative) in enumerate(_ask_if_alternatives(raw)):
            conditions = []
            for qid, value in alternative.items():
                condition = _condition(doc, here + alt_path + (qid,), qid, value, raw_questions, problems)
                if condition:
                    conditions.append(condition)
            ask_if.append(tuple(conditions))
        if raw.get("yes_from_days") is not None and raw["kind"] != "yes_no":
            problems.append(doc.problem(here + ("yes_from_days",), "yes_from_days hoort alleen bij een ja/nee-vraag"))
        questions.append(Question(
            raw["id"], raw["kind"], " ".join(raw["ask"].split()), " ".join(raw["help"].split()),
            " ".join(raw["examples"].split()),
            tuple(Choice(c["id"], c["label"]) for c in raw.get("choices", [])), tuple(ask_if),
            raw.get("min", 0 if raw["kind"] in ("scale", "number", "duration") else None),
            raw.get("max", 10 if raw["kind"] == "scale" else None), raw.get("yes_from_days")))
    problems += _cycles(doc, data["questions"])

    all_choices: dict[str, str] = {}
    for i, q in enumerate(questions):
        for j, c in enumerate(q.choices):
            if c.id in all_choices:
                problems.append(doc.problem(("questions", i, "choices", j, "id"), f"de keuze '{c.id}' hoort al bij '{all_choices[c.id]}'; keuzes hebben een uniek id"))
            all_choices[c.id] = q.id

    outcome_ids = {o["id"] for o in data["outcomes"]}
    rules = []
    for i, raw in enumerate(data["rules"]):
        here = ("rules", i)
        conditions = []
        for qid, value in raw["when"].items():
            condition = _condition(doc, here + ("when", qid), qid, value, raw_questions, problems)
            if condition:
                conditions.append(condition)
        if raw["outcome"] not in outcome_ids:
            problems.append(doc.problem(here + ("outcome",), f"de uitkomst '{raw['outcome']}' bestaat niet"))
        if raw.get("if_unsure") and RANK[raw["if_unsure"]] > RANK[raw["urgency"]]:
            problems.append(doc.problem(here + ("if_unsure",), "bij twijfel kan het advies niet dringender zijn dan bij zekerheid"))
        basis = raw.get("basis")
        if basis:
            for key in ("why", "source"):
                problems += check_text(doc, here + ("basis", key), basis[key], 400)
        rules.append(Rule(raw["id"], tuple(conditions), raw["urgency"], raw["outcome"], raw.get("if_unsure"),
                          raw.get("grade"), raw.get("red_flag"),
                          Basis(" ".join(basis["why"].split()), " ".join(basis["source"].split())) if basis else None))
    if not rules or rules[-1].when:
        problems.append(doc.problem(("rules",), "de laatste regel heeft geen voorwaarden (when: {}), zodat er altijd een uitkomst is"))
    ids = [r.id for r in rules]
    for i, rid in enumerate(ids):
        if ids.index(rid) != i:
            problems.append(doc.problem(("rules", i, "id"), f"de regel '{rid}' staat er twee keer in"))

    step_sets = {k: tuple(" ".join(s.split()) for s in v) for k, v in (data.get("step_sets") or {}).items()}
    for key, steps in (data.get("step_sets") or {}).items():
        for j, step in enumerate(steps):
            problems += check_text(doc, ("step_sets", key, j), step, 400)
    outcomes = {}
    topic_ids = set(topic_ids)
    for i, raw in enumerate(data["outcomes"]):
        here = ("outcomes", i)
        for key in ("estimate", "advice", "safety_net"):
            if raw.get(key):
                problems += check_text(doc, here + (key,), raw[key], 500)
        steps = raw.get("steps")
        if isinstance(steps, str):
            if steps not in step_sets:
                problems.append(doc.problem(here + ("steps",), f"de stappenlijst '{steps}' bestaat niet in step_sets"))
            steps = step_sets.get(steps, ())
        else:
            for j, step in enumerate(steps or []):
                problems += check_text(doc, here + ("steps", j), step, 400)
            steps = tuple(" ".join(s.split()) for s in steps or [])
        if raw.get("offer_topic") and topic_ids and raw["offer_topic"] not in topic_ids:
            problems.append(doc.problem(here + ("offer_topic",), f"onbekend onderwerp '{raw['offer_topic']}'"))
        if raw.get("offer_routine") and routine_ids is not None and raw["offer_routine"] not in set(routine_ids):
            problems.append(doc.problem(here + ("offer_routine",), f"onbekende oefensessie '{raw['offer_routine']}'"))
        outcomes[raw["id"]] = Outcome(raw["id"], " ".join(raw["estimate"].split()),
                                      " ".join(raw["advice"].split()) if raw.get("advice") else None,
                                      steps, " ".join(raw["safety_net"].split()) if raw.get("safety_net") else None,
                                      raw.get("offer_topic"), raw.get("offer_routine"))

    advice = {k: " ".join(v.split()) for k, v in data["urgencies"].items()}
    safety = {k: " ".join(v.split()) for k, v in data["safety_nets"].items()}
    for code in URGENCIES:
        for table, name in ((advice, "urgencies"), (safety, "safety_nets")):
            if code not in table:
                problems.append(doc.problem((name,), f"de tekst voor '{code}' ontbreekt"))
            else:
                problems += check_text(doc, (name, code), table[code], 500)
    signs = {}
    for i, raw in enumerate(data.get("emergency_signs") or []):
        here = ("emergency_signs", i)
        if raw["id"] in signs:
            problems.append(doc.problem(here + ("id",), f"het noodsignaal '{raw['id']}' staat er twee keer in"))
        for key in ("why", "advice"):
            if raw.get(key):
                problems += check_text(doc, here + (key,), raw[key], 300)
        signs[raw["id"]] = EmergencySign(raw["id"], " ".join(raw["why"].split()),
                                         " ".join(raw["advice"].split()) if raw.get("advice") else None)
    if signs and "general" not in signs:
        problems.append(doc.problem(("emergency_signs",), "er ontbreekt een noodsignaal met id 'general': dat zegt de skill als het signaal niet precies te plaatsen is"))
    volunteered = {}
    questions_by_id = {q.id: q for q in questions}
    for sign, raw_answers in (data.get("volunteered") or {}).items():
        answers = {}
        for qid, value in raw_answers.items():
            where = ("volunteered", sign, qid)
            question = questions_by_id.get(qid)
            if question is None:
                problems.append(doc.problem(where, f"de vraag '{qid}' bestaat niet"))
            elif not _fits(question, value):
                problems.append(doc.problem(where, f"'{value}' is geen antwoord op '{qid}' ({_expected(question)})"))
            else:
                answers[qid] = value
        volunteered[sign] = answers
    if problems:
        return None, problems

    protocol = Protocol(tuple(questions), tuple(rules), outcomes, advice, safety, step_sets,
                        data.get("max_questions", MAX_QUESTIONS), emergency_signs=signs, volunteered=volunteered)
    problems += _check_paths(doc, protocol, order)
    return (None if problems else protocol), problems


def _ask_if_alternatives(raw_question: dict) -> list[tuple[tuple, dict]]:
    """`ask_if` as written: one set of conditions, or a list of sets (any one of them will do)."""
    ask_if = raw_question.get("ask_if") or {}
    if isinstance(ask_if, list):
        return [(("ask_if", i), alt or {}) for i, alt in enumerate(ask_if)]
    return [(("ask_if",), ask_if)]


def _fits(question: Question, value: Any) -> bool:
    if question.kind == "yes_no":
        return isinstance(value, bool)
    if question.kind == "choice":
        return value in {c.id for c in question.choices}
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _expected(question: Question) -> str:
    if question.kind == "yes_no":
        return "schrijf true of false"
    if question.kind == "choice":
        return "kies uit " + ", ".join(c.id for c in question.choices)
    return "schrijf een getal"


def _cycles(doc: Document, raw_questions: list[dict]) -> list[Problem]:
    """ask_if must point back to earlier questions; a loop would mean neither is ever asked."""
    graph = {q["id"]: [qid for _, alt in _ask_if_alternatives(q) for qid in alt] for q in raw_questions}
    problems: list[Problem] = []
    state: dict[str, int] = {}
    reported: set[frozenset] = set()

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in graph.get(node, []):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                loop = stack[stack.index(dep):] + [dep]
                if frozenset(loop) not in reported:
                    reported.add(frozenset(loop))
                    index = next(i for i, q in enumerate(raw_questions) if q["id"] == node)
                    problems.append(doc.problem(("questions", index, "ask_if"),
                                                "kringverwijzing: " + " → ".join(loop) + "; geen van deze vragen kan ooit gesteld worden"))
            elif state.get(dep) is None:
                visit(dep, stack + [dep])
        state[node] = 2

    for node in graph:
        if state.get(node) is None:
            visit(node, [node])
    if not problems:
        position = {q["id"]: i for i, q in enumerate(raw_questions)}
        for i, q in enumerate(raw_questions):
            for alt_path, alternative in _ask_if_alternatives(q):
                for dep in alternative:
                    if dep in position and position[dep] > i:
                        problems.append(doc.problem(("questions", i) + alt_path + (dep,), f"'{dep}' komt later in de lijst; zet de vraag waarvan deze afhangt ervoor"))
    return problems


def _check_paths(doc: Document, protocol: Protocol, order: list[str]) -> list[Problem]:
    """Every outcome reachable, no question twice, no path longer than max_questions."""
    problems = []
    reached: set[str] = set()
    fired_rules: set[str] = set()
    longest: list[tuple[str, Answer]] = []
    for asked, result in protocol.paths():
        ids = [qid for qid, _ in asked]
        if len(ids) != len(set(ids)):
            problems.append(doc.problem(("questions",), f"een vraag wordt twee keer gesteld: {' → '.join(ids)}"))
            break
        if len(asked) > len(longest):
            longest = asked
        if result is not None:
            reached.add(result.outcome)
            fired_rules.add(result.rule.id)
        if len(longest) > protocol.max_questions:
            break
    if len(longest) > protocol.max_questions:
        shown = ", ".join(f"{q}={show_answer(v)}" for q, v in longest)
        problems.append(doc.problem(("questions",), f"een gesprek kan {len(longest)} vragen lang worden (maximaal {protocol.max_questions}): {shown}"))
    for i, outcome_id in enumerate(protocol.outcomes):
        if outcome_id not in reached and not problems:
            problems.append(doc.problem(("outcomes", i), f"de uitkomst '{outcome_id}' wordt door geen enkel gesprek bereikt"))
    for i, rule in enumerate(protocol.rules):
        if rule.id not in fired_rules and not problems:
            problems.append(doc.problem(("rules", i), f"de regel '{rule.id}' bepaalt nooit de uitkomst; een eerdere of dringender regel gaat altijd voor"))
    return problems


def show_answer(value: Answer) -> str:
    """An answer as an editor reads it: ja, nee, weet niet, a choice id or a number."""
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    if value == UNKNOWN:
        return "weet niet"
    return str(value)
