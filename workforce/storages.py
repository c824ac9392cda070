"""Storage for files only a permission-checked view may serve (board packs, certificates).

They live under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, and have no URL: ``url()`` refuses, so no template
can link to one by accident. The location is read from settings each time, so tests can point it at a
temporary directory with ``settings.PRIVATE_MEDIA_ROOT = tmp_path``.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; a view that checks permission serves them.")


def private_storage():
    """The private storage for a FileField's ``storage=`` (a callable: migrations record no path)."""
    from django.core.files.storage import storages

    return storages["private"]


def move_files_to_private_storage(model, field_name: str) -> None:
    """For data migrations: files stored before a FileField moved to private storage still sit in the public
    media storage. Move each to private storage under the same name (so downloads keep working) and leave
    no public copy."""
    from django.core.files.storage import storages

    public, private = storages["default"], storages["private"]
    rows = model._default_manager.exclude(**{field_name: ""}).only("pk", field_name)
    for row in rows.iterator():
        name = getattr(row, field_name).name
        if not public.exists(name):
            continue
        with public.open(name, "rb") as source:
            saved = private.save(name, source)
        if saved != name:
            model._default_manager.filter(pk=row.pk).update(**{field_name: saved})
        public.delete(name)
