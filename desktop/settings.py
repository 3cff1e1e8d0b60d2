"""User settings that the core needs too (the backup folder), in one small JSON file without Qt.

The Qt window keeps its own look-and-feel preferences in QSettings; what the CLI and the models
must read as well lives here, in the platform's config folder (XDG_CONFIG_HOME on Linux).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from platformdirs import user_config_dir

from desktop.models.files import write_text_atomically

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backup_folder"  # default: backups/ beside the database file

JsonValue = str | int | float | bool | None | list | dict


def settings_file() -> Path:
    return Path(user_config_dir("Brugmeter", appauthor=False)) / "settings.json"


def _load() -> dict[str, JsonValue]:
    """The stored settings; a missing or unreadable file counts as none (and is logged)."""
    path = settings_file()
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        log.warning("settings file %s unreadable, using defaults: %s", path, error)
        return {}
    return stored if isinstance(stored, dict) else {}


def value(key: str, default: JsonValue = None) -> JsonValue:
    """One setting, or `default` when it was never set."""
    return _load().get(key, default)


def set_value(key: str, new: JsonValue) -> None:
    """Store one setting (None removes it), written atomically and readable by the user only."""
    stored = _load()
    if new is None:
        stored.pop(key, None)
    else:
        stored[key] = new
    path = settings_file()
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    # a temporary file renamed into place: mode 0600 from the start (mkstemp)
    write_text_atomically(path, json.dumps(stored, indent=2, ensure_ascii=False) + "\n")
