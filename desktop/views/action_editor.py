"""The action form: one action of a goal-action plan typed from paper in its order, checked by
the actions service, its refusal shown under the field it names and nothing typed lost."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import actions
from desktop.models.services.actions import ActionInput, ActionRecord, ActionTypeInfo
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.conflict_dialog import save_resolving_conflicts
from desktop.views.widgets import DateLineEdit, FieldErrors, format_decimal, set_tab_chain

# The form's rows: the two dates share one, as do reward kind and amount. Each row's messages
# sit under it across the whole form. Tab follows FIELDS, the order of the paper form.
_ROWS: tuple[tuple[str, ...], ...] = (("action_type",), ("pillar",), ("agreed_on", "done_on"),
                                      ("reward_kind", "reward_value"), ("remarks",))
_SHORT = frozenset({"agreed_on", "done_on", "reward_value"})  # narrow fields, on the left


class ActionEditor(QWidget):
    """Add or change one action of the participant set with `set_participant`;
    `saved(action_id, start_new)` after a save that went through."""

    saved = Signal(int, bool)
    FIELDS = ("action_type", "pillar", "agreed_on", "done_on", "reward_kind", "reward_value",
              "remarks")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.participant_id: int | None = None
        self._record: ActionRecord | None = None
        self._types: dict[int, ActionTypeInfo] = {}
        self._snapshot: tuple[object, ...] = ()
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.action_type = QComboBox()  # not editable: typing the first letters picks a type
        self.action_type.setPlaceholderText(tr("entry.action.choose_type"))
        self.pillar = QComboBox()
        for combo in (self.action_type, self.pillar):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(20)
        self.agreed_on = DateLineEdit()
        self.done_on = DateLineEdit()
        self.reward_kind = QLineEdit()
        self.reward_kind.setMaxLength(60)
        self.reward_kind.setPlaceholderText(tr("entry.action.reward_kind_placeholder"))
        self.reward_value = QLineEdit()
        self.reward_value.setMaxLength(12)
        self.reward_value.setPlaceholderText(tr("entry.action.reward_value_placeholder"))
        # Short fields as wide as what they hold (plus frame and cursor): both dates fit a row.
        width = self.fontMetrics().horizontalAdvance("00-00-0000") + 3 * theme.SPACING
        for short in (self.agreed_on, self.done_on, self.reward_value):
            short.setFixedWidth(width)
        self.reward_hint = QLabel()
        self.reward_hint.setWordWrap(True)
        self.reward_hint.setStyleSheet(f"color: {theme.GREY_700};")
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        self.remarks.setFixedHeight(self.reward_kind.sizeHint().height() * 2)
        self.save_button = QPushButton(tr("entry.action.save"))
        self.save_button.setToolTip(tr(
            "entry.action.save_tip", save=shortcuts.shortcut_text(shortcuts.SAVE),
            next=shortcuts.shortcut_text(shortcuts.SAVE_AND_NEXT)))
        self.save_button.setAutoDefault(True)
        self.save_button.clicked.connect(self._save_slot)
        self.errors = FieldErrors((*self.FIELDS, "general"))
        self._build_layout()
        self.action_type.currentIndexChanged.connect(self._update_reward_fields)

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(theme.SPACING)
        grid.setVerticalSpacing(theme.SPACING_SMALL)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        for row, names in enumerate(_ROWS):
            messages = QVBoxLayout()  # under the row, as wide as the form: long sentences fit
            messages.setSpacing(2)
            for number, name in enumerate(names):
                widget = self.field_widget(name)
                label = QLabel(tr(f"entry.action.{name}"))
                label.setBuddy(widget)
                label.setMinimumHeight(self.reward_kind.sizeHint().height())
                grid.addWidget(label, 2 * row, 2 * number, Qt.AlignmentFlag.AlignTop)
                if name in _SHORT:
                    grid.addWidget(widget, 2 * row, 2 * number + 1, Qt.AlignmentFlag.AlignLeft)
                else:
                    grid.addWidget(widget, 2 * row, 2 * number + 1, 1, 3 if len(names) == 1 else 1)
                messages.addWidget(self.errors[name])
            if "reward_kind" in names:
                messages.addWidget(self.reward_hint)
            grid.addLayout(messages, 2 * row + 1, 1, 1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.errors["general"])
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addStretch(1)
        chain = self.tab_chain()
        set_tab_chain(chain)

    def tab_chain(self) -> list[QWidget]:
        """The inputs in the order of the paper form, then the save button."""
        return [*(self.field_widget(name) for name in self.FIELDS), self.save_button]

    def field_widget(self, name: str) -> QWidget:
        """The input a ValidationError field name refers to."""
        return {"action_type": self.action_type, "pillar": self.pillar,
                "agreed_on": self.agreed_on, "done_on": self.done_on,
                "reward_kind": self.reward_kind, "reward_value": self.reward_value,
                "remarks": self.remarks}[name]

    def set_choices(self, types: list[ActionTypeInfo], pillars: dict[str, str]) -> None:
        """Refill both lists (types may have changed in the types dialog), keeping the choice."""
        self._types = {info.id: info for info in types}
        current_type, current_pillar = self.action_type.currentData(), self.pillar.currentData()
        self.action_type.blockSignals(True)
        self.action_type.clear()
        for info in types:
            text = (tr("entry.action.rewardable_mark", name=info.text()) if info.rewardable
                    else info.text())
            self.action_type.addItem(text, info.id)
        self.action_type.setCurrentIndex(self.action_type.findData(current_type))
        self.action_type.blockSignals(False)
        self.pillar.clear()
        self.pillar.addItem(tr("entry.action.no_pillar"), "")
        for key, name in pillars.items():
            self.pillar.addItem(name, key)
        self.pillar.setCurrentIndex(max(0, self.pillar.findData(current_pillar)))
        self._update_reward_fields()

    def _update_reward_fields(self) -> None:
        """Reward kind and amount only for a rewardable type; the hint says why not."""
        info = self._types.get(self.action_type.currentData())
        rewardable = info is not None and info.rewardable
        for widget in (self.reward_kind, self.reward_value):
            # a reward typed before the type changed stays editable, so it can be cleared
            widget.setEnabled(rewardable or bool(widget.text()))
        if info is None:
            self.reward_hint.setText(tr("entry.action.reward_hint_choose"))
        elif rewardable:
            self.reward_hint.setText(tr("entry.action.reward_hint_rewardable"))
        else:
            self.reward_hint.setText(tr("entry.action.reward_hint_none", name=info.text()))

    def _values(self) -> tuple[object, ...]:
        return (self.action_type.currentData(), self.pillar.currentData(),
                self.agreed_on.date_text(), self.done_on.date_text(), self.reward_kind.text(),
                self.reward_value.text(), self.remarks.toPlainText())

    def has_unsaved_changes(self) -> bool:
        return self._values() != self._snapshot

    def record(self) -> ActionRecord | None:
        return self._record

    def set_participant(self, participant_id: int | None) -> None:
        """Another participant (None: none): an empty form, the focus left where it is."""
        self.participant_id = participant_id
        self._clear_form("")

    def new_action(self, agreed_on: str = "") -> None:
        """An empty form with focus on the action type; `agreed_on` keeps the date of the
        previous action, as a plan's actions are mostly agreed at one meeting."""
        self._clear_form(agreed_on)
        self.action_type.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _clear_form(self, agreed_on: str) -> None:
        self._record = None
        self.heading.setText(tr("entry.action.new_heading"))
        self.action_type.setCurrentIndex(-1)
        self.pillar.setCurrentIndex(0)
        self._fill(agreed_on, "", "", "", "")

    def edit_action(self, record: ActionRecord) -> None:
        self._record = record
        self.heading.setText(tr("entry.action.edit_heading", action_type=record.action_type))
        self.action_type.setCurrentIndex(self.action_type.findData(record.action_type_id))
        if record.pillar and self.pillar.findData(record.pillar) < 0:  # not in this Bridge
            self.pillar.addItem(tr("entry.action.unknown_pillar", key=record.pillar),
                                record.pillar)
        self.pillar.setCurrentIndex(max(0, self.pillar.findData(record.pillar)))
        value = record.reward_value
        self._fill(record.agreed_on.isoformat(),
                   record.done_on.isoformat() if record.done_on else "", record.reward_kind,
                   "" if value is None else format_decimal(float(value), 2), record.remarks)
        self.action_type.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill(self, agreed_on: str, done_on: str, reward_kind: str, reward_value: str,
              remarks: str) -> None:
        self.agreed_on.set_date_text(agreed_on)
        self.done_on.set_date_text(done_on)
        self.reward_kind.setText(reward_kind)
        self.reward_value.setText(reward_value)
        self.remarks.setPlainText(remarks)
        self.errors.hide_all()
        self._snapshot = self._values()

    def action_input(self) -> ActionInput:
        """What was typed, all of it: a reward on a type that is not rewardable is the
        service's to refuse, with its message, never the form's to drop."""
        return ActionInput(
            action_type_id=self.action_type.currentData(),
            agreed_on=self.agreed_on.date_text(), done_on=self.done_on.date_text(),
            pillar=self.pillar.currentData() or "",
            reward_kind=self.reward_kind.text(), reward_value=self.reward_value.text(),
            remarks=self.remarks.toPlainText())

    def show_error(self, error: ValidationError) -> None:
        """Red text under the field the service named; focus goes there; input stays."""
        name = error.field if error.field in self.FIELDS else "general"
        self.errors.show_message(name, error.message)
        self.field_widget(name if name != "general" else "action_type").setFocus(
            Qt.FocusReason.OtherFocusReason)

    def _save_slot(self) -> None:
        """Slots return nothing: a value handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def save(self, start_new: bool = False) -> None:
        """Store the form through the actions service (update: only if nobody saved the action
        in between); `saved` tells the plan to reload and what to show next."""
        if self.participant_id is None:
            return
        data, record, participant_id = self.action_input(), self._record, self.participant_id
        stored: list[int] = []

        def store() -> None:
            if record is None:
                stored.append(actions.add_action(participant_id, data))
            elif save_resolving_conflicts(
                    self, lambda version: actions.update_action(record.id, data, version),
                    record.version, lambda: self.edit_action(next(
                        row for row in actions.participant_actions(participant_id)
                        if row.id == record.id))):
                stored.append(record.id)

        if error_dialog.call_service(self, store, self.show_error) and stored:
            self._snapshot = self._values()
            self.saved.emit(stored[0], start_new)
