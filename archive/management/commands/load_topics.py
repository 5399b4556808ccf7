"""manage.py load_topics: bring the topic vocabulary file into the database."""

from django.core.management.base import BaseCommand, CommandError

from archive.topics import VOCABULARY_FILE, load_vocabulary


class Command(BaseCommand):
    help = (
        "Create the topics of the vocabulary file that the database lacks and add the aliases it lists "
        "that a topic lacks. Nothing staff added in the admin is removed. Run retag_topics afterwards to "
        "apply the new aliases to turns already stored."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(VOCABULARY_FILE), help="Vocabulary file (YAML; default: %(default)s)."
        )

    def handle(self, *args, **options):
        try:
            created, updated = load_vocabulary(path=options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {options['file']}: {error}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(f"Topics: {created:,} created, {updated:,} given new aliases.")
