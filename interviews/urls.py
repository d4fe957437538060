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
    path("sessions/<int:session_id>/start", runner.start, name="runner_start"),
    path("sessions/<int:session_id>/finish", runner.finish, name="runner_finish"),
    path(
        "sessions/<int:session_id>/questions/add",
        runner.add_question,
        name="runner_add_question",
    ),
    path(
        "sessions/<int:session_id>/questions/<int:order>/",
        runner.runner_question,
        name="runner_question",
    ),
    path(
        "sessions/<int:session_id>/questions/<int:order>/score",
        runner.score,
        name="runner_score",
    ),
    path(
        "sessions/<int:session_id>/questions/<int:order>/notes",
        runner.notes,
        name="runner_notes",
    ),
    path(
        "sessions/<int:session_id>/questions/<int:order>/follow-up",
        runner.follow_up,
        name="runner_follow_up",
    ),
    path("sessions/<int:session_id>/questions/<int:order>/skip", runner.skip, name="runner_skip"),
]

# --- scorecards, debrief, hiring-manager review, exports
# (views/scorecards.py, views/review.py, views/exports.py)
urlpatterns += [
    path("sessions/<int:session_id>/scorecard/", scorecards.scorecard, name="scorecard"),
]
