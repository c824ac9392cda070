import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from workforce.models import Band, Organisation, Sector, StaffGroup, User

DEFAULT_PASSWORD = "a-long-test-password-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Test organisation {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    code = factory.Sequence(lambda n: f"org-{n}")
    sector = Sector.NHS


class StaffGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffGroup
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Staff group {n}")
    code = factory.Sequence(lambda n: f"group-{n}")


class BandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Band
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Band {n}")
    code = factory.Sequence(lambda n: f"band-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@nhs.net")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["Board member"]) puts the user in those role groups."""
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary email, as allauth needs before it lets someone sign in."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
