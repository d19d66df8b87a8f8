"""axe-core (npm ``axe-core``, installed by ``make test``) run inside the page under test."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def violations(page, *, include: str | None = None) -> list[dict]:
    """axe's WCAG 2.x A/AA violations of the page (or of ``include``), serious or worse."""
    page.add_script_tag(path=str(AXE))
    context = include or "document"
    result = page.evaluate(
        """async (selector) => {
            const context = selector === "document" ? document : document.querySelector(selector);
            const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
            const options = {runOnly: {type: "tag", values: tags}};
            return (await axe.run(context, options)).violations;
        }""",
        context,
    )
    return [v for v in result if v["impact"] in SERIOUS]


def assert_accessible(page, *, include: str | None = None) -> None:
    """No serious or critical axe violation; the message names each rule and its nodes."""
    found = violations(page, include=include)
    described = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in found
    ]
    assert not found, "axe violations:\n" + "\n".join(described)
