/* The host editor's timezone chooser: each zone named as the widget names it, and a search
 * box that narrows the list (by zone, city, name or offset). Without JavaScript the list
 * still holds every IANA zone. */
import { tzName } from "../widget/dates.js";

// "Asia/Kolkata — India Standard Time, GMT+05:30", in the widget's words for zones.
function zoneTitle(zone) {
	const name = tzName(zone, "longGeneric");
	const offset = tzName(zone, "longOffset").replace("-", "−");
	// A zone without a name of its own is called by its offset ("GMT+00:00"): say it once.
	return name.startsWith("GMT") ? `${zone} — ${offset}` : `${zone} — ${name}, ${offset}`;
}

const words = (text) => text.toLowerCase().replace(/[−+]/g, (c) => (c === "−" ? "-" : "+"));

function enhance(box) {
	const select = box.querySelector("select");
	const search = box.querySelector("input[type=search]");
	for (const option of select.options) {
		try {
			option.textContent = zoneTitle(option.value);
		} catch {
			// A zone this browser does not know keeps its IANA name.
		}
	}
	search.hidden = false;
	search.addEventListener("input", () => {
		const wanted = words(search.value.trim()).split(/\s+/).filter(Boolean);
		for (const option of select.options) {
			const text = words(`${option.value} ${option.textContent}`.replace(/_/g, " "));
			option.hidden = !option.selected && !wanted.every((w) => text.includes(w));
		}
	});
	search.addEventListener("keydown", (event) => {
		if (event.key === "ArrowDown") {
			event.preventDefault();
			select.focus();
		}
	});
}

for (const box of document.querySelectorAll("[data-pmc-timezone-chooser]")) enhance(box);
