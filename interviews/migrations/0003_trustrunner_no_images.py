"""Stored markdown renderings lose their images (questions.markdown now renders none).

Prompts, answers and follow-ups are rendered once and stored; those rendered before the
rule may hold an <img>, which every reader's browser would fetch. Only rows whose HTML
has one are rendered again, from their own markdown source, which is left as written.
Reversing keeps the new renderings: an image is never put back.
"""

from django.db import migrations

FIELDS = (("prompt", "prompt_html"), ("answer", "answer_html"), ("follow_up", "follow_up_html"))


def render_without_images(apps, schema_editor):
    from questions.markdown import render_markdown

    for app_label, model_name in (("questions", "Question"), ("interviews", "SessionQuestion")):
        model = apps.get_model(app_label, model_name)
        for source, html in FIELDS:
            rows = model.objects.filter(**{f"{html}__icontains": "<img"})
            for pk, text in rows.values_list("pk", source).iterator():
                model.objects.filter(pk=pk).update(**{html: render_markdown(text)})


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0002_trustrunner_append_only"),
        ("questions", "0003_bank_search_text"),
    ]

    operations = [migrations.RunPython(render_without_images, migrations.RunPython.noop)]
