"""Reading a generated board pack back: text, structure tree, figures and table headers."""

import io

from pypdf import PdfReader


def reader_for(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def struct_elements(reader: PdfReader) -> list[dict]:
    """Every structure element of the tagged PDF, depth first (reading order)."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            walk(kids)

    walk(root.get("/K"))
    return found


def elements_of(reader: PdfReader, tag: str) -> list[dict]:
    return [e for e in struct_elements(reader) if e["/S"] == tag]


def text_of(element) -> str:
    """The /Alt of a figure, as a str."""
    return str(element.get("/Alt", ""))
