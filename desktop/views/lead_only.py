"""A lead's actions shown to an assistant: greyed out, with a tooltip saying why (the services
refuse them anyway; this spares the assistant a form that would be refused)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop.i18n import tr
from desktop.models.services import users


class _KeepDisabled(QObject):
    """Undoes every enable of the widget it watches (forms enable their buttons as records
    load), so one call at construction holds for the widget's life."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget) \
                and watched.isEnabled():
            watched.setEnabled(False)
        return False


def restrict(*widgets: QWidget) -> bool:
    """Grey the widgets out for an assistant; True when the session's user is a lead."""
    if users.is_lead():
        return True
    for widget in widgets:
        widget.setToolTip(tr("users.lead_only_tip"))
        guard = _KeepDisabled(widget)
        widget.installEventFilter(guard)
        widget.setEnabled(False)
    return False


def restrict_actions(*actions: QAction) -> bool:
    """The same for menu actions (enabled again when the user has become a lead)."""
    lead = users.is_lead()
    for action in actions:
        action.setEnabled(lead)
        tip = "" if lead else tr("users.lead_only_tip")
        action.setStatusTip(tip)
        action.setToolTip(tip)  # empty: Qt's own, the action's text
        for menu in action.associatedObjects():
            if isinstance(menu, QMenu):
                menu.setToolTipsVisible(True)
    return lead


# the main window's menu actions that only a lead may use
WINDOW_ACTIONS = ("edit_study", "restore_backup", "users", "deleted_records")


def restrict_window(actions: dict[str, QAction]) -> bool:
    """Grey out the window's lead-only menu actions for an assistant (again after a change of
    role in the Users dialog)."""
    return restrict_actions(*(actions[name] for name in WINDOW_ACTIONS if name in actions))
