"""A small, strict ESC/POS decoder: bytes back into printed lines and commands.

It knows the commands Kasir sends (and python-escpos emits for QR codes,
images, cuts and the drawer); anything else is an error, so stray bytes fail
the tests instead of passing unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CODEPAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}


@dataclass
class Line:
    text: str
    font: int
    bold: bool
    tall: bool
    wide: bool
    codepage: int | None


@dataclass
class Command:
    name: str
    args: tuple = ()
    data: bytes = b""


@dataclass
class Decoded:
    lines: list[Line] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    text_before_codepage: bool = False
    events: list = field(default_factory=list)  # Line and Command objects, in order

    def names(self) -> list[str]:
        return [c.name for c in self.commands]

    def texts(self) -> list[str]:
        return [l.text for l in self.lines]

    def qr_data(self) -> list[str]:
        return [c.data.decode("utf-8") for c in self.commands if c.name == "qr_store"]


class DecodeError(AssertionError):
    pass


def decode(data: bytes) -> Decoded:
    out = Decoded()
    i, n = 0, len(data)
    state = {"codepage": None, "font": 0, "bold": False, "tall": False, "wide": False}
    buf = bytearray()

    def need(count):
        if i + count > n:
            raise DecodeError(f"truncated command at byte {i}")

    def cmd(name, args=(), payload=b""):
        c = Command(name, tuple(args), bytes(payload))
        out.commands.append(c)
        out.events.append(c)
        return c

    def flush_line():
        codec = CODEPAGES.get(state["codepage"], "cp437")
        line = Line(bytes(buf).decode(codec), state["font"], state["bold"], state["tall"],
                    state["wide"], state["codepage"])
        out.lines.append(line)
        out.events.append(line)
        buf.clear()

    while i < n:
        b = data[i]
        if b == 0x0A:
            flush_line()
            i += 1
        elif b == 0x0D:
            i += 1
        elif b >= 0x20:
            if state["codepage"] is None:
                out.text_before_codepage = True
            buf.append(b)
            i += 1
        elif b == 0x1B:  # ESC
            need(2)
            c = data[i + 1]
            i += 2
            if c == ord("@"):
                state.update(codepage=None, font=0, bold=False, tall=False, wide=False)
                cmd("init")
            elif c == ord("2"):
                cmd("line_spacing_default")
            elif c in b"t!EM-a{GdJ3 ":
                need(1)
                v = data[i]
                i += 1
                if c == ord("t"):
                    state["codepage"] = v
                elif c == ord("!"):
                    state.update(font=v & 1, bold=bool(v & 0x08), tall=bool(v & 0x10),
                                 wide=bool(v & 0x20))
                elif c == ord("E"):
                    state["bold"] = bool(v & 1)
                elif c == ord("M"):
                    state["font"] = v & 1
                cmd({"t": "codepage", "!": "mode", "E": "bold", "M": "font", "-": "underline",
                     "a": "align", "{": "upside_down", "G": "double_strike", "d": "feed",
                     "J": "feed_dots", "3": "line_spacing", " ": "char_spacing"}[chr(c)], (v,))
            elif c == ord("p"):
                need(3)
                cmd("drawer", tuple(data[i:i + 3]))
                i += 3
            elif c == ord("*"):
                need(3)
                m, width = data[i], data[i + 1] | data[i + 2] << 8
                size = width * (3 if m in (32, 33) else 1)
                need(3 + size)
                cmd("column_image", (m, width), data[i + 3:i + 3 + size])
                i += 3 + size
            else:
                raise DecodeError(f"unknown ESC {c:#04x} at byte {i - 2}")
        elif b == 0x1D:  # GS
            need(2)
            c = data[i + 1]
            i += 2
            if c == ord("V"):
                need(1)
                m = data[i]
                if m in (0, 1, 48, 49):
                    cmd("cut", ("full" if m in (0, 48) else "partial",))
                    i += 1
                else:
                    need(2)
                    cmd("cut", ("full" if m in (65, 97) else "partial", data[i + 1]))
                    i += 2
            elif c in b"!Bbf hHw":
                need(1)
                cmd("gs_" + chr(c), (data[i],))
                i += 1
            elif c in b"LW":
                need(2)
                cmd("gs_" + chr(c), (data[i] | data[i + 1] << 8,))
                i += 2
            elif c == ord("(") and i < n and data[i] in b"kL":
                kind = chr(data[i])
                need(3)
                length = data[i + 1] | data[i + 2] << 8
                need(3 + length)
                body = data[i + 3:i + 3 + length]
                i += 3 + length
                if kind == "k":
                    fn = body[1]
                    name = {65: "qr_model", 67: "qr_size", 69: "qr_ec", 80: "qr_store",
                            81: "qr_print"}.get(fn, f"2d_{fn}")
                    cmd(name, tuple(body[:3]), body[3:] if fn == 80 else body[2:])
                else:
                    cmd("graphics", tuple(body[:2]), body[2:])
            elif c == ord("v") and i < n and data[i] == ord("0"):
                need(6)
                m = data[i + 1]
                xb = data[i + 2] | data[i + 3] << 8
                y = data[i + 4] | data[i + 5] << 8
                need(6 + xb * y)
                cmd("raster_image", (m, xb * 8, y), data[i + 6:i + 6 + xb * y])
                i += 6 + xb * y
            else:
                raise DecodeError(f"unknown GS {c:#04x} at byte {i - 2}")
        elif b == 0x10 and i + 2 < n + 0 and data[i + 1] == 0x04:  # DLE EOT n
            need(3)
            cmd("status_query", (data[i + 2],))
            i += 3
        else:
            raise DecodeError(f"unexpected control byte {b:#04x} at byte {i}")
    if buf:
        flush_line()
    return out


def line_width(line: Line, font_columns: dict[int, int]) -> int:
    """How many characters fit on this line in its font (half when double width)."""
    cols = font_columns[line.font]
    return cols // 2 if line.wide else cols
