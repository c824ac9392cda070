from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Pledge(models.Model):
    """One of the 13 pledges of the LLR Five-Year Plan that the People and Culture Board tracks."""

    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    executive_lead = models.CharField(max_length=200, blank=True)
    # True until an admin replaces a placeholder with the plan's official wording.
    is_placeholder_wording = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        permissions = [
            ("view_board_overview", "Can view the board overview"),
            ("manage_pledges", "Can edit pledges, objectives and progress updates"),
            ("request_board_report", "Can request board report PDFs"),
        ]

    def __str__(self):
        return f"Pledge {self.number}: {self.title}"
