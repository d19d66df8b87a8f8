/* wagtail_pmc_booking attendee widget (ES module, no build step): calendar, times, booking,
   reschedule, cancel and rebook over the REST API. Texts: set window.PMC_BOOKING_STRINGS. */
const STRINGS = {
  pickTitle: "Select a date & time",
  rescheduleTitle: "Choose a new time",
  duration: "Meeting length",
  minutes: "{n} min",
  video: "Zoom video call",
  prevMonth: "Previous month",
  nextMonth: "Next month",
  timezone: "Time zone",
  pickDay: "Pick a day to see its times.",
  noTimesMonth: "No times left in {month}.",
  dayOpen: "{date}, {n} times available",
  dayOpenOne: "{date}, 1 time available",
  dayClosed: "{date}, no times available",
  timesOn: "{n} times available on {date}",
  timesOnOne: "1 time available on {date}",
  back: "Back",
  detailsTitle: "Enter your details",
  name: "Name",
  email: "Email",
  notes: "Anything that helps us prepare? (optional)",
  required: "Please fill this in.",
  badEmail: "Enter an email address like name@example.com.",
  book: "Schedule meeting",
  taken: "Sorry, that time was just taken. Please pick another.",
  failed: "Something went wrong. Please try again.",
  offline: "Could not reach the booking service. Please try again.",
  invalid: "This link is no longer valid. Please use your latest booking email.",
  bookedTitle: "You are booked",
  booked: "Booking confirmed",
  rescheduledTitle: "Your booking has been moved",
  rescheduled: "Booking rescheduled",
  confirmedTitle: "Your booking",
  emailed: "We have emailed a calendar invitation to {email}.",
  what: "What",
  when: "When",
  with: "With",
  zoom: "Zoom",
  join: "Join Zoom meeting",
  passcode: "Passcode",
  zoomPending: "Your Zoom link is on its way.",
  addIcs: "Add to calendar (.ics)",
  reschedule: "Reschedule",
  cancel: "Cancel",
  current: "Current booking",
  newTime: "New time",
  confirmTitle: "Confirm the new time",
  confirmReschedule: "Move my booking",
  cancelTitle: "Cancel your booking",
  reason: "Reason (optional)",
  cancelBooking: "Cancel booking",
  cancelledTitle: "Your booking is cancelled",
  cancelled: "Booking cancelled",
  wasCancelled: "{what} on {when} is cancelled.",
  rebookTitle: "Would another time suit you?",
  rebook: "Rebook {time}",
  pickOther: "Choose another time",
};
const S = { ...STRINGS, ...window.PMC_BOOKING_STRINGS };
const t = (key, vars = {}) => String(S[key]).replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m);

const EMBEDDED = window.parent !== window;
// Chromium still lists a few zones by their old names.
const modern = (zone) => ({ "Asia/Calcutta": "Asia/Kolkata", "Europe/Kiev": "Europe/Kyiv" })[zone] || zone;
const zoneLabel = (zone) => zone.replace(/_/g, " ");
let uids = 0;
const uid = () => `pmc-${++uids}`;

/** h("p.pmc-muted", {attrs}?, ...children); "on…" attributes become listeners. */
function h(selector, attrs, ...kids) {
  const [tag, ...classes] = selector.split(".");
  const el = document.createElement(tag);
  el.className = classes.join(" ");
  if (tag === "button") el.type = "button";
  if (attrs?.constructor !== Object) [attrs, kids] = [{}, [attrs, ...kids]];
  for (const [key, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), v);
    else if (key === "value") el.value = v;
    else el.setAttribute(key, v === true ? "" : v);
  }
  el.append(...kids.flat(9).filter((kid) => kid != null && kid !== false));
  return el;
}

// Calendar days are "YYYY-MM-DD" strings; arithmetic happens at noon UTC.
const pad = (n) => String(n).padStart(2, "0");
const isoDay = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const noon = (s) => {
  const [y, m, d = 1] = s.split("-");
  return new Date(Date.UTC(y, m - 1, d, 12));
};
const addDays = (s, n) => isoDay(new Date(noon(s).getTime() + n * 864e5));
const addMonths = (s, n) => {
  const d = noon(s);
  d.setUTCMonth(d.getUTCMonth() + n, 1);
  return isoDay(d).slice(0, 7);
};
const weekdayOf = (s) => noon(s).getUTCDay() || 7;
const inMonth = (day, month) => day?.slice(0, 7) === month;

const fmt = (tz, opts) => new Intl.DateTimeFormat(undefined, { timeZone: tz, ...opts });
const DAY = { weekday: "long", year: "numeric", month: "long", day: "numeric" };
const todayIn = (tz) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date());
const longDay = (s) => fmt("UTC", DAY).format(noon(s));
const timeOf = (at, tz) => fmt(tz, { hour: "numeric", minute: "2-digit" }).format(new Date(at));
const when = (b, tz) => `${fmt(tz, DAY).format(new Date(b.start))}, ${timeOf(b.start, tz)} – ${timeOf(b.end, tz)}`;
const localDay = (at, tz) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(at));
const offsetOf = (tz) => fmt(tz, { timeZoneName: "shortOffset" }).formatToParts(new Date()).at(-1).value;

function firstWeekday() {
  const locale = new Intl.Locale(navigator.language);
  return (locale.getWeekInfo?.() || locale.weekInfo)?.firstDay || 7;
}

const zoneList = () => [...new Set([...Intl.supportedValuesOf("timeZone").map(modern), "UTC"])].sort();

class BookingWidget {
  constructor(el) {
    this.el = el;
    this.cfg = JSON.parse(el.querySelector("script[type='application/json']").textContent);
    this.mt = this.cfg.meetingType;
    this.mode = this.cfg.mode;
    this.current = this.cfg.booking;
    this.token = this.cfg.token;
    this.tz = modern(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
    this.duration = this.current ? this.current.duration : this.mt.defaultDuration;
    // Rescheduling opens on the booking's own day (or the first free one after it).
    this.prefer = this.mode === "reschedule" ? localDay(this.current.start, this.tz) : null;
    this.weekStart = firstWeekday();
    this.cache = new Map();
    this.seq = 0;
    this.live = h("p.pmc-sr", { "aria-live": "polite" });
    this.screen = h("div");
    el.querySelector("[data-pmc-root]").replaceChildren(this.live, this.screen);
    el.classList.add("pmc-ready");
    const html = document.documentElement;
    const resized = () => this.post("pmc:resize", { height: Math.ceil(html.getBoundingClientRect().height) });
    if (EMBEDDED) new ResizeObserver(resized).observe(html);
    this.start();
  }

  async start() {
    if (this.mode === "book") return this.pick();
    if (this.mode === "reschedule") this.pick();
    const r = await this.api(`bookings/${this.current.bookingId}`, { query: { token: this.token } });
    if (!r.ok) return this.fail(r);
    this.attendee = r.data.attendee;
    if (this.mode === "cancel") this.cancelForm();
    if (this.mode === "confirmed") this.done(r.data, "confirmed");
  }

  post(type, data) {
    if (EMBEDDED) window.parent.postMessage({ type, ...data }, "*");
  }

  say(text) {
    this.live.textContent = text;
  }

  show(nodes, focus) {
    this.screen.replaceChildren(...nodes.flat().filter(Boolean));
    focus?.focus({ preventScroll: EMBEDDED });
  }

  heading(text) {
    return h("h2.pmc-h", { tabindex: -1 }, text);
  }

  newAlert(text) {
    return (this.alert = h("p.pmc-alert", { role: "alert", tabindex: -1, hidden: !text }, text));
  }

  showAlert(text) {
    this.alert.textContent = text;
    this.alert.hidden = false;
  }

  async api(path, { query = {}, body } = {}) {
    const url = new URL(this.cfg.apiBase + path, location.href);
    for (const [k, v] of Object.entries(query)) if (v != null) url.searchParams.set(k, v);
    try {
      const headers = body ? { "Content-Type": "application/json" } : {};
      const res = await fetch(url, { method: body ? "POST" : "GET", headers, body: body && JSON.stringify(body) });
      const data = await res.json().catch(() => ({}));
      return { ok: res.ok, status: res.status, data, error: data.error || {} };
    } catch {
      return { status: 0, error: {} };
    }
  }

  message({ status, error }) {
    return !status ? S.offline : status === 404 && this.token ? S.invalid : error.message || S.failed;
  }

  fail(r) {
    const head = this.heading(S.failed);
    this.show([head, this.newAlert(this.message(r))], head);
  }

  summary() {
    return h("div.pmc-summary", h("p.pmc-name", this.mt.name), h("p.pmc-meta", h("span.pmc-i-video"), S.video));
  }

  card(label, b = this.current, note = `${S.with} ${b.hostName}`) {
    return h(`div.pmc-card${b === this.current ? "" : ".is-new"}`,
      h("p.pmc-label", label), h("p.pmc-when", when(b, this.tz)), h("p.pmc-muted", note));
  }


  pick(notice) {
    const head = this.heading(this.mode === "reschedule" ? S.rescheduleTitle : S.pickTitle);
    this.calEl = h("div.pmc-cal");
    this.slotsEl = h("div.pmc-slots");
    const today = todayIn(this.tz);
    this.month = (this.day || (this.prefer > today ? this.prefer : today)).slice(0, 7);
    this.findFirst = !this.day;
    this.skipped = 0;
    this.show([
      this.summary(), this.mode === "reschedule" && this.card(S.current), head, this.newAlert(notice),
      this.mode === "book" && this.mt.durations.length > 1 && h("div.pmc-durations", { role: "group", "aria-label": S.duration },
        this.mt.durations.map((n) => h("button.pmc-chip", {
          "aria-pressed": String(n === this.duration), onclick: () => this.setDuration(n),
        }, t("minutes", { n })))),
      h("div.pmc-pick", this.calEl, this.slotsEl), this.zonePicker(),
    ], notice && head);
    this.buildMonth();
    this.load();
  }

  setDuration(n) {
    this.duration = n;
    for (const b of this.screen.querySelectorAll(".pmc-chip")) b.setAttribute("aria-pressed", b.textContent === t("minutes", { n }));
    this.load();
  }

  zonePicker() {
    const id = uid();
    const list = h("datalist", { id: `${id}-list` });
    const note = h("span.pmc-muted", offsetOf(this.tz));
    const input = h("input.pmc-input", {
      id, list: list.id, value: zoneLabel(this.tz), autocomplete: "off", spellcheck: "false",
      onfocus: () => list.childElementCount || list.append(...zoneList().map((z) => h("option", { value: zoneLabel(z) }))),
      onchange: () => {
        const zone = zoneList().find((z) => zoneLabel(z) === input.value.trim());
        input.setAttribute("aria-invalid", !zone);
        if (!zone || zone === this.tz) return;
        this.tz = zone;
        note.textContent = offsetOf(zone);
        this.load();
      },
    });
    return h("div.pmc-tz", h("label", { for: id }, S.timezone, " ", note), input, list);
  }

  buildMonth() {
    const first = `${this.month}-01`;
    const start = addDays(first, -((weekdayOf(first) - this.weekStart + 7) % 7));
    const today = todayIn(this.tz);
    const titleId = uid();
    const times = (n, fn) => [...Array(n)].map((_, i) => fn(i));
    const weekday = (i) => fmt("UTC", { weekday: "short" }).format(noon(addDays("2024-01-01", (this.weekStart - 1 + i) % 7)));
    const cell = (day) => h("td", day.slice(0, 7) === this.month && h(`button.pmc-day${day === today ? ".is-today" : ""}`, {
      "data-day": day, onclick: () => this.chooseDay(day),
    }, String(+day.slice(8))));
    const nav = (label, n, disabled) => h("button.pmc-nav", {
      "aria-label": label, disabled, onclick: () => this.goMonth(addMonths(this.month, n)),
    }, n < 0 ? "‹" : "›");
    this.grid = h("table", { role: "grid", "aria-labelledby": titleId, onkeydown: (e) => this.onKey(e) },
      h("thead", h("tr", times(7, (i) => h("th", { scope: "col" }, weekday(i))))),
      h("tbody", times(6, (row) => h("tr", times(7, (col) => cell(addDays(start, row * 7 + col)))))));
    this.calEl.replaceChildren(h("div.pmc-cal-head",
      nav(S.prevMonth, -1, this.month <= today.slice(0, 7)),
      h("h3.pmc-month", { id: titleId }, fmt("UTC", { month: "long", year: "numeric" }).format(noon(first))),
      nav(S.nextMonth, 1, this.month >= addMonths(today, 12))), this.grid);
  }

  goMonth(month, focusDay) {
    this.month = month;
    this.focusDay = focusDay;
    this.pendingFocus = !!focusDay;
    this.buildMonth();
    this.load();
  }

  /** The visible month's slots (one request, cached); on first show, its first open day. */
  async load() {
    const seq = ++this.seq;
    const key = `${this.tz}|${this.duration}|${this.month}`;
    this.days = null;
    this.paint();
    this.slots();
    if (!this.cache.has(key)) {
      const today = todayIn(this.tz);
      const first = `${this.month}-01`;
      const r = await this.api("slots", {
        query: {
          meetingType: this.mt.slug, start: first < today ? today : first, end: addDays(`${addMonths(first, 1)}-01`, -1),
          timezone: this.tz, duration: this.duration, host: this.cfg.host,
          ...(this.mode == "reschedule" && { rescheduling: this.current.bookingId, token: this.token }),
        },
      });
      if (seq !== this.seq) return;
      if (r.ok) this.cache.set(key, r.data.slots);
      else {
        this.findFirst = false;
        this.showAlert(this.message(r));
      }
    }
    this.days = this.cache.get(key) || {};
    const open = Object.keys(this.days).sort();
    if (this.findFirst && !open.length && this.skipped++ < 2) return this.goMonth(addMonths(this.month, 1));
    if (this.findFirst && open.length) {
      this.findFirst = false;
      this.day = open.find((d) => d >= this.prefer) || open[0];
      this.announce();
    }
    this.paint();
    this.slots();
  }

  /** Day states, labels and the roving tabindex, changed in place so focus survives. */
  paint() {
    const days = this.days || {};
    const focus = [this.focusDay, this.day, Object.keys(days).sort()[0]].find((d) => inMonth(d, this.month)) || `${this.month}-01`;
    this.grid.setAttribute("aria-busy", !this.days);
    for (const b of this.grid.querySelectorAll("[data-day]")) {
      const day = b.dataset.day;
      const n = days[day]?.length;
      b.classList.toggle("is-open", !!n);
      b.setAttribute("aria-disabled", !n);
      b.setAttribute("aria-label", t(n ? (n > 1 ? "dayOpen" : "dayOpenOne") : "dayClosed", { date: longDay(day), n }));
      b.tabIndex = day === focus ? 0 : -1;
      b.parentNode.setAttribute("aria-selected", day === this.day);
    }
    if (this.pendingFocus && this.days) {
      this.pendingFocus = false;
      this.grid.querySelector(`[data-day="${focus}"]`).focus();
    }
  }

  onKey(e) {
    const day = e.target.dataset.day;
    const col = (weekdayOf(day) - this.weekStart + 7) % 7;
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7, Home: -col, End: 6 - col }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = addDays(day, step);
    if (next < `${todayIn(this.tz).slice(0, 7)}-01`) return;
    if (!inMonth(next, this.month)) return this.goMonth(next.slice(0, 7), next);
    [this.focusDay, this.pendingFocus] = [next, true];
    this.paint();
  }

  chooseDay(day) {
    if (!this.days?.[day]) return;
    this.day = day;
    this.focusDay = null;
    this.paint();
    this.slots();
    this.announce();
  }

  announce() {
    const n = this.days[this.day].length;
    this.say(t(n > 1 ? "timesOn" : "timesOnOne", { n, date: longDay(this.day) }));
  }

  slots() {
    const headId = uid();
    const list = this.days && inMonth(this.day, this.month) && this.days[this.day];
    const month = this.calEl.querySelector(".pmc-month").textContent;
    const body = !this.days
      ? h("ul.pmc-times", { "aria-hidden": "true" }, [...Array(6)].map(() => h("li", h("span.pmc-skel"))))
      : !list ? h("p.pmc-muted", Object.keys(this.days).length ? S.pickDay : t("noTimesMonth", { month }))
        : h("ul.pmc-times", { "aria-labelledby": headId }, list.map((s) => h("li", h("button.pmc-time", {
          "aria-pressed": String(this.slot?.start === s.start), onclick: () => this.chooseSlot(s),
        }, timeOf(s.start, this.tz)))));
    this.slotsEl.replaceChildren(h("h3.pmc-day-title", { id: headId }, list && longDay(this.day)), body);
  }

  chooseSlot(slot) {
    this.slot = slot;
    if (this.mode === "reschedule") this.confirmMove();
    else this.form();
  }

  backButton() {
    return h("button.pmc-back", { onclick: () => this.pick() }, "← ", S.back);
  }

  slotCard(label) {
    const end = Date.parse(this.slot.start) + this.duration * 60000;
    return this.card(label, { start: this.slot.start, end }, zoneLabel(this.tz));
  }


  form() {
    const a = this.attendee || {};
    const head = this.heading(S.detailsTitle);
    const field = (name, tag, attrs) => {
      const error = h("p.pmc-error", { id: uid() });
      const control = h(`${tag}.pmc-input`, { id: uid(), name, "aria-describedby": error.id, value: a[name], ...attrs });
      control.addEventListener("blur", () => this.check(control));
      return h("div.pmc-field", h("label", { for: control.id }, S[name]), control, error);
    };
    const form = h("form", { novalidate: true, onsubmit: (e) => this.submit(e) },
      field("name", "input", { type: "text", autocomplete: "name", required: true, maxlength: 200 }),
      field("email", "input", { type: "email", autocomplete: "email", required: true, maxlength: 254 }),
      field("notes", "textarea", { rows: 3, maxlength: 5000 }),
      this.newAlert(), h("button.pmc-primary", { type: "submit" }, S.book));
    this.show([this.backButton(), head, this.slotCard(this.mt.name), form], head);
  }

  /** Shows the server's error or the field's own next to it; true if valid. */
  check(control, serverError) {
    const v = control.value.trim();
    const error = serverError || (control.required && !v ? S.required
      : control.type === "email" && v && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? S.badEmail : "");
    control.setAttribute("aria-invalid", !!error);
    document.getElementById(control.getAttribute("aria-describedby")).textContent = error;
    return !error;
  }

  async submit(e) {
    e.preventDefault();
    const controls = [...e.target.querySelectorAll(".pmc-input")];
    const invalid = controls.filter((c) => !this.check(c));
    if (invalid.length) return invalid[0].focus();
    const [name, email, notes] = controls.map((c) => c.value.trim());
    this.attendee = { name, email, notes };
    const button = e.submitter;
    button.disabled = true;
    const r = await this.create(this.slot.start);
    button.disabled = false;
    if (r.ok) return;
    if (r.error.code === "slot_unavailable") return this.retake();
    const fields = r.error.fields || {};
    ["attendee.name", "attendee.email", "notes"].forEach((path, i) => fields[path] && this.check(controls[i], fields[path].join(" ")));
    const first = controls.find((c) => c.getAttribute("aria-invalid") === "true");
    if (!first) this.showAlert(this.message(r));
    (first || this.alert).focus();
  }

  async create(start) {
    const { name, email, notes = "" } = this.attendee;
    const r = await this.api("bookings", {
      body: {
        meetingType: this.mt.slug, start, duration: this.duration, attendee: { name, email, timezone: this.tz }, notes,
        ...(this.cfg.host && { host: this.cfg.host }),
      },
    });
    if (r.ok) this.done(r.data, "booked");
    return r;
  }

  retake() {
    this.cache.clear();
    this.slot = null;
    this.pick(S.taken);
  }


  async act(button, action, body, then) {
    button.disabled = true;
    const r = await this.api(`bookings/${this.current.bookingId}/${action}`, { body: { ...body, token: this.token } });
    button.disabled = false;
    if (r.ok) return then(r.data);
    if (r.error.code === "slot_unavailable") return this.retake();
    this.showAlert(this.message(r));
  }

  confirmMove() {
    const head = this.heading(S.confirmTitle);
    const button = h("button.pmc-primary", {
      onclick: () => this.act(button, "reschedule", { start: this.slot.start, duration: this.duration },
        (b) => this.done(b, "rescheduled")),
    }, S.confirmReschedule);
    this.show([this.backButton(), head, this.card(S.current), this.slotCard(S.newTime), this.newAlert(), button], head);
  }

  cancelForm() {
    const head = this.heading(S.cancelTitle);
    const reason = h("textarea.pmc-input", { id: uid(), rows: 3, maxlength: 5000 });
    const button = h("button.pmc-danger", { type: "submit" }, S.cancelBooking);
    const form = h("form", {
      onsubmit: (e) => {
        e.preventDefault();
        this.act(button, "cancel", { reason: reason.value.trim() }, (d) => this.cancelled(d.rebookOptions));
      },
    }, h("div.pmc-field", h("label", { for: reason.id }, S.reason), reason), this.newAlert(), button);
    this.show([head, this.card(S.current), form], head);
  }

  /** Up to three offered times, each booked in one click with the same attendee. */
  cancelled(options) {
    const head = this.heading(S.cancelledTitle);
    const short = fmt(this.tz, { weekday: "short", month: "short", day: "numeric" });
    this.mode = "book";
    this.token = null;
    const offers = options.map((o) => h("li", h("a.pmc-time", { href: o.rebookUrl, ...this.away },
      t("rebook", { time: `${short.format(new Date(o.start))}, ${timeOf(o.start, this.tz)}` }))));
    this.show([
      head, h("p", t("wasCancelled", { what: this.mt.name, when: when(this.current, this.tz) })),
      offers.length && [h("h3.pmc-sub", S.rebookTitle), h("ul.pmc-times.pmc-rebook", offers)],
      this.newAlert(), h("button.pmc-link", { onclick: () => this.pick() }, S.pickOther),
    ], head);
    this.say(S.cancelled);
  }


  /** Links that leave the widget open top-level (in a tab when embedded). */
  get away() {
    return EMBEDDED ? { target: "_blank", rel: "noopener" } : {};
  }

  zoomDetails({ meeting: m = {} }) {
    if (m.meetingUrl) {
      return [h("a.pmc-join", { href: m.meetingUrl, target: "_blank", rel: "noreferrer" }, S.join),
        m.passcode && h("span.pmc-muted", `${S.passcode}: `, h("code", m.passcode))];
    }
    return m.status === "pending" && h("span.pmc-muted", S.zoomPending);
  }

  done(b, kind) {
    const head = this.heading(S[`${kind}Title`]);
    this.token = b.manageToken || b.rescheduleUrl?.match(/\/manage\/(\w+)\//)?.[1] || this.token;
    const ics = this.cfg.inviteUrl && this.token && this.cfg.inviteUrl.replace("{token}", this.token);
    const zoom = this.zoomDetails(b);
    this.current = { ...b, hostName: b.host.name };
    this.show([
      h("div.pmc-check"), head,
      kind !== "confirmed" && h("p", t("emailed", { email: b.attendee.email })),
      h("dl.pmc-details",
        h("dt", S.what), h("dd", `${this.mt.name} (${t("minutes", { n: b.duration })})`),
        h("dt", S.when), h("dd", when(b, this.tz), h("br"), h("span.pmc-muted", zoneLabel(this.tz))),
        h("dt", S.with), h("dd", b.host.name),
        zoom && [h("dt", S.zoom), h("dd.pmc-zoom", zoom)]),
      this.el.querySelector("template")?.content.cloneNode(true),
      ics && h("p.pmc-actions", h("a.pmc-button", { href: ics, download: `${this.mt.slug}.ics` }, S.addIcs)),
      h("p.pmc-manage", h("a", { href: b.rescheduleUrl, ...this.away }, S.reschedule),
        h("a", { href: b.cancelUrl, ...this.away }, S.cancel)),
    ], head);
    if (kind === "confirmed") return;
    // Never the manage token or links: only the attendee may change the booking.
    const { manageToken, rescheduleUrl: r, cancelUrl: c, ...booking } = b;
    this.say(S[kind]);
    if (kind !== "booked") return;
    this.el.dispatchEvent(new CustomEvent("pmc:booking-created", { bubbles: true, detail: booking }));
    this.post("pmc:booking-created", { booking });
  }
}

function mountAll() {
  for (const el of document.querySelectorAll("[data-pmc-widget]:not(.pmc-ready)")) el.pmcWidget = new BookingWidget(el);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
