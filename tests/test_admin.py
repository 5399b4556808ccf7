"""Staff corrections through the admin."""

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from archive.models import SlugRedirect, Speaker, SpeakerLabel, Transcript, Turn
from tests.sample_data import build_archive


def post_data_from(response):
    """The values an admin change form was rendered with, as a browser would post them back."""
    data = {}

    def add_form(form):
        for name, field in form.fields.items():
            value = field.prepare_value(form[name].value()) if name == "notes" else form[name].value()
            if value is None:
                value = ""
            if value is False:
                continue
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_form(formset.management_form)
        for form in formset.forms:
            add_form(form)
    return data


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)
        cls.admin_user = get_user_model().objects.create_superuser("editor", "editor@example.org", "not-a-real-pass")

    def setUp(self):
        self.client.force_login(self.admin_user)

    def test_lists_and_forms_open(self):
        urls = [
            reverse("admin:archive_transcript_changelist"),
            reverse("admin:archive_transcript_changelist") + "?q=Tapper&kind__exact=interview",
            reverse("admin:archive_transcript_change", args=[self.interview.pk]),
            reverse("admin:archive_turn_changelist") + f"?transcript__id__exact={self.interview.pk}&q=table",
            reverse("admin:archive_turn_change", args=[self.a2.pk]),
            reverse("admin:archive_speaker_changelist") + "?q=BLINKEN",
            reverse("admin:archive_speaker_change", args=[self.blinken.pk]),
            reverse("admin:archive_topic_changelist"),
            reverse("admin:archive_topic_change", args=[self.topic.pk]),
            reverse("admin:archive_slugredirect_changelist"),
            reverse("admin:autocomplete") + "?app_label=archive&model_name=turn&field_name=speaker&term=blin",
        ]
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_turn_search_and_filter(self):
        url = reverse("admin:archive_turn_changelist")
        response = self.client.get(url, {"q": "negotiating"})
        self.assertEqual(list(response.context["cl"].result_list), [self.q1])
        response = self.client.get(url, {"transcript__id__exact": self.remarks.pk})
        self.assertEqual({t.pk for t in response.context["cl"].result_list}, {self.r1.pk, self.r2.pk})

    def test_transcript_page_links_to_its_turns(self):
        response = self.client.get(reverse("admin:archive_transcript_change", args=[self.interview.pk]))
        self.assertContains(response, reverse("admin:archive_turn_changelist") + f"?transcript__id__exact={self.interview.pk}")

    def test_speaker_autocomplete_finds_speakers(self):
        response = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "archive", "model_name": "turn", "field_name": "speaker", "term": "Blinken"},
        )
        self.assertEqual([r["text"] for r in response.json()["results"]], ["Antony J. Blinken"])

    def test_change_a_turns_text_and_speaker(self):
        url = reverse("admin:archive_turn_change", args=[self.r2.pk])
        data = post_data_from(self.client.get(url))
        data["text"] = "Thank you very much."
        data["speaker"] = str(self.price.pk)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.context and response.context["adminform"].form.errors)
        self.r2.refresh_from_db()
        self.assertEqual(self.r2.text, "Thank you very much.")
        self.assertEqual(self.r2.speaker, self.price)
        # Number and place are not editable: addresses stay stable.
        self.assertEqual((self.r2.number, self.r2.position), (2, 2))
        page = self.client.get(self.remarks.get_absolute_url())
        self.assertContains(page, "Thank you very much.")

    def test_changing_a_slug_records_a_redirect(self):
        url = reverse("admin:archive_transcript_change", args=[self.remarks.pk])
        data = post_data_from(self.client.get(url))
        data["slug"] = "price-remarks-to-the-press"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Transcript.objects.get(pk=self.remarks.pk).slug, "price-remarks-to-the-press")
        self.assertTrue(SlugRedirect.objects.filter(old_slug="remarks-to-the-press", transcript=self.remarks).exists())
        self.assertRedirects(
            self.client.get("/transcripts/remarks-to-the-press/"),
            "/transcripts/price-remarks-to-the-press/",
            status_code=301,
        )

    def test_an_old_address_of_another_transcript_cannot_be_taken(self):
        url = reverse("admin:archive_transcript_change", args=[self.remarks.pk])
        data = post_data_from(self.client.get(url))
        data["slug"] = "blinken-tapper-cnn"  # still redirects to the interview
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "used to belong to")
        self.assertEqual(Transcript.objects.get(pk=self.remarks.pk).slug, "remarks-to-the-press")

    def test_saving_without_a_slug_change_records_nothing(self):
        url = reverse("admin:archive_transcript_change", args=[self.remarks.pk])
        data = post_data_from(self.client.get(url))
        data["title"] = "Remarks to the Press (corrected title)"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertFalse(SlugRedirect.objects.filter(transcript=self.remarks).exists())

    def test_speaker_with_labels_inline(self):
        url = reverse("admin:archive_speaker_change", args=[self.price.pk])
        data = post_data_from(self.client.get(url))
        data["title"] = "Spokesperson"
        data["labels-0-label"] = "MR. PRICE"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.price.refresh_from_db()
        self.assertEqual(self.price.title, "Spokesperson")
        self.assertEqual(list(SpeakerLabel.objects.filter(speaker=self.price).values_list("label", flat=True)), ["MR. PRICE"])

    def test_turns_and_transcripts_are_not_added_by_hand(self):
        self.assertEqual(self.client.get(reverse("admin:archive_turn_add")).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:archive_transcript_add")).status_code, 403)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.client.logout()
        response = self.client.get(reverse("admin:archive_turn_change", args=[self.a1.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])
        self.assertEqual(Turn.objects.get(pk=self.a1.pk).text, self.a1.text)
        self.assertTrue(Speaker.objects.filter(pk=self.blinken.pk).exists())
