"""URLs of the interviews app, one block per area; each block's views live in views/<area>.py."""

from django.urls import path

from interviews.views import (
    analytics,
    builder,
    candidates,
    exports,
    home,
    review,
    runner,
    scheduling,
    scorecards,
    teams,
)

app_name = "interviews"

urlpatterns = [
    path("", home.home, name="home"),
]

# --- templates & scheduling (views/builder.py, views/scheduling.py) -------------------
urlpatterns += [
    path("templates/", builder.template_list, name="template_list"),
    path("templates/new/", builder.template_new, name="template_new"),
    path("templates/generate/", builder.template_generate, name="template_generate"),
    path("templates/<int:template_id>/", builder.template_builder, name="template_builder"),
    path(
        "templates/<int:template_id>/details",
        builder.template_details,
        name="template_details",
    ),
    path("templates/<int:template_id>/clone", builder.template_clone, name="template_clone"),
    path(
        "templates/<int:template_id>/questions/add",
        builder.template_add_question,
        name="template_add_question",
    ),
    path(
        "templates/<int:template_id>/questions/<int:item_id>/remove",
        builder.template_remove_question,
        name="template_remove_question",
    ),
    path(
        "templates/<int:template_id>/questions/<int:item_id>/move",
        builder.template_move_question,
        name="template_move_question",
    ),
    path(
        "templates/<int:template_id>/questions/<int:item_id>/minutes",
        builder.template_question_minutes,
        name="template_question_minutes",
    ),
    path("sessions/new/", scheduling.session_new, name="session_new"),
    path(
        "sessions/<int:session_id>/schedule/",
        scheduling.session_schedule,
        name="session_schedule",
    ),
    path(
        "sessions/<int:session_id>/reschedule",
        scheduling.session_reschedule,
        name="session_reschedule",
    ),
    path("sessions/<int:session_id>/cancel", scheduling.session_cancel, name="session_cancel"),
    path(
        "sessions/<int:session_id>/invite.ics",
        scheduling.session_invite_ics,
        name="session_invite_ics",
    ),
]

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
    path(
        "sessions/<int:session_id>/questions/<int:order>/visit",
        runner.visit,
        name="runner_visit",
    ),
]

# --- scorecards, debrief, hiring-manager review, candidate loops, exports
# (views/scorecards.py, views/review.py, views/candidates.py, views/exports.py)
urlpatterns += [
    path("sessions/<int:session_id>/scorecard/", scorecards.scorecard, name="scorecard"),
    path(
        "sessions/<int:session_id>/scorecard/save/",
        scorecards.scorecard_save,
        name="scorecard_save",
    ),
    path(
        "sessions/<int:session_id>/scorecard/amend/",
        scorecards.scorecard_amend,
        name="scorecard_amend",
    ),
    path("scorecards/<int:scorecard_id>/", scorecards.scorecard_detail, name="scorecard_detail"),
    path("sessions/<int:session_id>/debrief/", review.debrief, name="debrief"),
    path(
        "sessions/<int:session_id>/export.csv",
        exports.session_export_csv,
        name="session_export_csv",
    ),
    path(
        "sessions/<int:session_id>/export.json",
        exports.session_export_json,
        name="session_export_json",
    ),
    path("positions/", review.position_list, name="position_list"),
    path("positions/<int:position_id>/", review.position_detail, name="position_detail"),
    path("positions/<int:position_id>/compare/", review.compare, name="compare"),
    path("positions/<int:position_id>/team/add", teams.team_add, name="position_team_add"),
    path(
        "positions/<int:position_id>/team/<int:member_id>/remove",
        teams.team_remove,
        name="position_team_remove",
    ),
    path(
        "positions/<int:position_id>/candidates/<int:candidate_id>/",
        candidates.candidate_loop,
        name="candidate_loop",
    ),
    path(
        "positions/<int:position_id>/candidates/<int:candidate_id>/decisions",
        candidates.candidate_decide,
        name="candidate_decide",
    ),
    path(
        "positions/<int:position_id>/export.csv",
        exports.position_export_csv,
        name="position_export_csv",
    ),
    path(
        "positions/<int:position_id>/export.json",
        exports.position_export_json,
        name="position_export_json",
    ),
]

# --- analytics (views/analytics.py) ---------------------------------------------------
urlpatterns += [
    path("analytics/", analytics.reliability, name="analytics"),
    path("analytics/interviewers/", analytics.interviewers, name="analytics_interviewers"),
    path(
        "analytics/interviewers/<int:user_id>/",
        analytics.interviewer,
        name="analytics_interviewer",
    ),
    path("analytics/questions/", analytics.questions, name="analytics_questions"),
    path(
        "analytics/questions/<int:question_id>/",
        analytics.question,
        name="analytics_question",
    ),
]
