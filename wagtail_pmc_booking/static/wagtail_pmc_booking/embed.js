/* Embed (classic script): <div data-pmc-booking="slug"> becomes a self-sizing widget iframe. */
(() => {
	const FORWARDED = ["pmc:booking-created", "pmc:booking-rescheduled"];
	const src = document.currentScript?.src;
	const origin = src ? new URL(src).origin : location.origin;
	const frames = [];

	function mount(div) {
		const attr = (name) => div.getAttribute(`data-pmc-${name}`);
		if (div.pmcBookingFrame || !attr("booking")) return;
		const base = (attr("base") || origin).replace(/\/+$/, "");
		const path = (attr("path") || "/booking/").replace(/^\/*|\/*$/g, "");
		const mounted = path ? `${base}/${path}` : base;
		const url = new URL(`${mounted}/embed/${encodeURIComponent(attr("booking"))}/`, location.href);
		if (attr("host")) url.searchParams.set("host", attr("host"));
		for (const [k, v] of new URLSearchParams(location.search)) {
			if (k !== "host" && !url.searchParams.has(k)) url.searchParams.set(k, v);
		}
		const iframe = document.createElement("iframe");
		iframe.src = url.href;
		if (attr("title")) iframe.title = attr("title");
		iframe.setAttribute("scrolling", "no");
		iframe.style.cssText = "display:block;width:100%;min-width:300px;border:0;overflow:hidden;height:640px";
		div.pmcBookingFrame = iframe;
		div.replaceChildren(iframe);
		frames.push({ div, iframe, origin: url.origin });
	}

	function mountAll() {
		for (const div of document.querySelectorAll("[data-pmc-booking]")) mount(div);
	}

	window.addEventListener("message", (event) => {
		const frame = frames.find((f) => event.source === f.iframe.contentWindow);
		if (!frame || event.origin !== frame.origin) return;
		const data = event.data || {};
		if (data.type === "pmc:resize") {
			const height = Number(data.height);
			if (height > 0) frame.iframe.style.height = `${Math.min(Math.ceil(height), 10000)}px`;
			if (!frame.iframe.title && data.title) frame.iframe.title = data.title;
		} else if (FORWARDED.includes(data.type)) {
			const init = { detail: data.booking };
			frame.div.dispatchEvent(new CustomEvent(data.type, init));
			window.dispatchEvent(new CustomEvent(data.type, init));
		}
	});

	window.PMCBooking = { mount: mountAll };
	if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
	else mountAll();
})();
