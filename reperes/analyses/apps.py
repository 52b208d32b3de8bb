from django.apps import AppConfig


def _warm(sender, run, progress=lambda message: None, **kwargs):
    from .services import warm_after_import

    warm_after_import(progress)


def _forget_frames(sender, **kwargs):
    from .frames_on_disk import forget

    forget()


class AnalysesConfig(AppConfig):
    name = "reperes.analyses"
    label = "analyses"
    verbose_name = "Analyses"

    def ready(self):
        from reperes.collection.signals import rows_deleted, rows_stored

        # New data: prepare the dashboards while the user reads the import report (collection never imports us).
        rows_stored.connect(_warm, dispatch_uid="analyses-warm-after-import")
        # Rows deleted: no kept frame file may still hold them.
        rows_deleted.connect(_forget_frames, dispatch_uid="analyses-forget-frames")
