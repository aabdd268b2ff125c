"""Abstract bases for the apps' models; core itself has no tables."""

from django.db import models


class SingletonModel(models.Model):
    """A model with exactly one row, edited in the admin as one settings page."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]
