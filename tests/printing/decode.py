"""An ESC/POS reader for tests, written apart from the renderer: commands out, text back."""

from __future__ import annotations

from dataclasses import dataclass, field

import zxingcpp
from PIL import Image


@dataclass
class Printed:
    lines: list[str] = field(default_factory=list)
    raw_lines: list[bytes] = field(default_factory=list)
    double_lines: list[str] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    cut: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def qr_payloads(self) -> list[str]:
        found = []
        for image in self.images:
            found += [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
        return found


def decode(data: bytes) -> Printed:
    printed, text, i, double = Printed(), bytearray(), 0, False
    while i < len(data):
        byte = data[i]
        if byte == 0x1B:  # ESC
            command = data[i + 1]
            i += 2 if command == ord("@") else 3
        elif byte == 0x1C:  # FS & / FS .
            i += 2
        elif byte == 0x10:  # DLE EOT n
            i += 3
        elif byte == 0x1D:  # GS
            command = data[i + 1]
            if command == ord("!"):
                double = data[i + 2] != 0
                i += 3
            elif command == ord("V"):
                printed.cut = True
                i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
            elif command == ord("v"):
                x_bytes = data[i + 4] | data[i + 5] << 8
                height = data[i + 6] | data[i + 7] << 8
                start = i + 8
                bits = data[start : start + x_bytes * height]
                image = Image.frombytes("1", (x_bytes * 8, height), bytes(b ^ 0xFF for b in bits))
                printed.images.append(image)
                i = start + x_bytes * height
            else:
                raise AssertionError(f"unknown GS command {command:#x} at {i}")
        elif byte == 0x0A:
            if text or not printed.images or True:
                line = bytes(text).decode("gb18030")  # strict: bad bytes fail the test
                printed.raw_lines.append(bytes(text))
                printed.lines.append(line)
                if double:
                    printed.double_lines.append(line)
            text.clear()
            i += 1
        else:
            text.append(byte)
            i += 1
    assert not text, f"text after the last line feed: {bytes(text)!r}"
    return printed
