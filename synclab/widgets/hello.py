"""A one-button check that the widgets front end talks to the kernel."""

from __future__ import annotations

import ipywidgets as widgets


def widgets_check() -> widgets.VBox:
    """A button that answers when clicked: if a button shows (not ``VBox(...)``), the widgets front end is
    installed; if clicking it changes the message, the kernel hears the browser."""
    button = widgets.Button(description="Click me", icon="hand-pointer-o", button_style="info")
    answer = widgets.HTML("<i>Click the button: the kernel should answer here.</i>")
    clicks = [0]

    def on_click(_button: widgets.Button) -> None:
        clicks[0] += 1
        answer.value = (
            f"<b style='color:#009E73'>✔ Widgets work:</b> the kernel received your click ({clicks[0]} so far)."
        )

    button.on_click(on_click)
    return widgets.VBox([button, answer])
