/* The host editor's week grid over the availability-window formset: add a window to a
 * day, remove one (its DELETE is set, so the server drops it), copy a day's windows to
 * Monday–Friday. The server checks everything again and shows errors on their row. */

const WEEKDAYS = ["0", "1", "2", "3", "4"];

function field(row, name) {
	return row.querySelector(`[name$="-${name}"]`);
}

function live(day) {
	return [...day.querySelectorAll("[data-pmc-window]")].filter((row) => !row.hidden);
}

function refresh(day) {
	const open = live(day).length > 0;
	day.querySelector("[data-pmc-unavailable]").hidden = open;
	day.querySelector("[data-pmc-copy]").hidden = !open; // copying nothing would clear the week
}

function setup(week) {
	const prefix = week.dataset.prefix;
	const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
	const template = week.querySelector("template[data-pmc-window-template]");
	const announce = week.querySelector("[data-pmc-announce]");
	const days = [...week.querySelectorAll("[data-pmc-day]")];

	function add(day, start = "", end = "") {
		const index = Number(total.value);
		const html = template.innerHTML.replaceAll("__prefix__", String(index));
		const holder = document.createElement("ul");
		holder.innerHTML = html;
		const row = holder.firstElementChild;
		field(row, "weekday").value = day.dataset.pmcDay;
		field(row, "start_time").value = start;
		field(row, "end_time").value = end;
		const order = field(row, "ORDER");
		if (order) order.value = String(index + 1);
		day.querySelector("[data-pmc-windows]").append(row);
		total.value = String(index + 1);
		refresh(day);
		return row;
	}

	function remove(row) {
		field(row, "DELETE").value = "1";
		row.hidden = true;
	}

	week.addEventListener("click", (event) => {
		const button = event.target.closest("button");
		const day = button?.closest("[data-pmc-day]");
		if (!day) return;
		if (button.matches("[data-pmc-add]")) {
			add(day, "09:00", "17:00");
			live(day).at(-1).querySelector("input[type=time]").focus();
		} else if (button.matches("[data-pmc-remove]")) {
			remove(button.closest("[data-pmc-window]"));
			refresh(day);
			day.querySelector("[data-pmc-add]").focus();
			announce.textContent = week.dataset.removed;
		} else if (button.matches("[data-pmc-copy]")) {
			const times = live(day).map((row) => [field(row, "start_time").value, field(row, "end_time").value]);
			for (const other of days) {
				if (other === day || !WEEKDAYS.includes(other.dataset.pmcDay)) continue;
				for (const row of live(other)) remove(row);
				for (const [start, end] of times) add(other, start, end);
				refresh(other);
			}
			announce.textContent = week.dataset.copied;
		}
	});
}

for (const week of document.querySelectorAll("[data-pmc-week]")) setup(week);
