"""URLs of the interviews app, one block per area; each block's views live in views/<area>.py."""

from django.urls import path

from interviews.views import home, runner, scorecards

app_name = "interviews"

urlpatterns = [
    path("", home.home, name="home"),
]

# --- templates & scheduling (views/builder.py, views/scheduling.py) -------------------
urlpatterns += []

# --- runner (views/runner.py) --------------------------------------------------------
urlpatterns += [
    path("sessions/<int:session_id>/", runner.runner, name="runner"),
]

# --- scorecards, debrief, hiring-manager review, exports
# (views/scorecards.py, views/review.py, views/exports.py)
urlpatterns += [
    path("sessions/<int:session_id>/scorecard/", scorecards.scorecard, name="scorecard"),
]
