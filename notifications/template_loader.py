"""Loading administrator templates from their folder and from nowhere else.

jinja2's FileSystemLoader refuses ``..`` in a name but follows symbolic links wherever they
point, so an override ``reminder.txt.j2 -> /proc/self/environ`` would put the service's
environment (the SMTP password included) into every mail. ``ConfinedLoader`` resolves the real
path of every file, template and include alike, and serves it only when it lies inside the real
folder, is a regular file, is valid UTF-8 and is not bigger than ``max_bytes``. Symbolic links
that stay inside the folder (``en/x.j2 -> ../de/x.j2``) keep working.

The file is opened with ``O_NOFOLLOW`` and, where ``/proc/self/fd`` exists (Linux), the opened
descriptor's path is checked again, so swapping a directory for a link between the check and the
open does not get around the check either. ``O_NONBLOCK`` keeps a FIFO from blocking the open.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import jinja2

from engine.i18n import Message, m

MAX_TEMPLATE_BYTES = 256 * 1024
_PROC_FD = Path("/proc/self/fd")


class TemplateRefused(jinja2.TemplateError):
    """A file in the template folder that must not be used (it is not reported as "not found",
    so a ChoiceLoader does not quietly go on to the next folder). It carries a :class:`Message`,
    so ``zyklus template check`` says the refusal in its reader's language; ``str()`` is German."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.detail = message

    def render(self, lang: str) -> str:
        return self.detail.render(lang)


class ConfinedLoader(jinja2.BaseLoader):
    def __init__(self, folder: Path, max_bytes: int = MAX_TEMPLATE_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def exists(self, name: str) -> bool:
        """Whether the folder has an entry of that name in any form (file, link, dangling link,
        directory, FIFO): such an entry is meant as an override, so a refusal must be reported
        rather than the shipped template used silently."""
        return os.path.lexists(self.folder / name)

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        root = os.path.realpath(self.folder)
        if not os.path.isdir(root):
            raise jinja2.TemplateNotFound(template)
        relative = _relative_name(template)
        if not self.exists(relative):
            raise jinja2.TemplateNotFound(template)
        real = os.path.realpath(self.folder / relative)
        if not _inside(real, root):
            raise TemplateRefused(m("template.refused.outside_to", "de", template=template, real=real))
        source, mtime = self._read(template, real, root)

        def uptodate() -> bool:  # a file replaced by a link must be checked afresh, not served from cache
            try:
                return os.path.realpath(self.folder / relative) == real and os.stat(real).st_mtime_ns == mtime
            except OSError:
                return False

        return source, real, uptodate

    def _read(self, template: str, real: str, root: str) -> tuple[str, int]:
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            raise TemplateRefused(m("template.refused.cannot_open", "de", template=template, error=exc.strerror)) from exc
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise TemplateRefused(m("template.refused.not_regular", "de", template=template))
            if _PROC_FD.is_dir() and not _inside(os.readlink(_PROC_FD / str(fd)), root):
                raise TemplateRefused(m("template.refused.outside", "de", template=template))
            if info.st_size > self.max_bytes:
                raise TemplateRefused(m("template.refused.too_large", "de", template=template, size=info.st_size,
                                        limit=self.max_bytes))
            data = os.read(fd, self.max_bytes + 1)
        finally:
            os.close(fd)
        if len(data) > self.max_bytes:
            raise TemplateRefused(m("template.refused.more_than", "de", template=template, limit=self.max_bytes))
        try:
            return data.decode("utf-8"), info.st_mtime_ns
        except UnicodeDecodeError as exc:
            raise TemplateRefused(m("template.refused.not_utf8", "de", template=template, byte=exc.start)) from exc


def _relative_name(template: str) -> str:
    """A template name as jinja2 passes it (``de/reminder.txt.j2``, or whatever an include or
    extends names): relative, no ``..``, no NUL."""
    if template.startswith(("/", "\\")) or "\x00" in template:
        raise TemplateRefused(m("template.refused.absolute", "de", template=template))
    pieces = [p for p in template.split("/") if p not in ("", ".")]
    if ".." in pieces or not pieces:
        raise TemplateRefused(m("template.refused.dotdot", "de", template=template))
    return "/".join(pieces)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
