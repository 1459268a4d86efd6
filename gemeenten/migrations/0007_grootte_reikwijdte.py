# Scale split into size (grootte) and reach (reikwijdte); the basis of each kind; the
# source's own word for a participant's role. Derived data: `make dataset` fills it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gemeenten", "0006_herkomst"),
    ]

    operations = [
        migrations.RemoveField(model_name="stand", name="schaal"),
        migrations.AddField(
            model_name="stand",
            name="grootte",
            field=models.CharField(
                blank=True,
                choices=[
                    ("een", "1 gemeente"),
                    ("twee", "2 gemeenten (bilateraal)"),
                    ("drie-tot-vijf", "3–5 gemeenten"),
                    ("zes-of-meer", "6 of meer gemeenten"),
                ],
                help_text="Municipalities taking part.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="stand",
            name="reikwijdte",
            field=models.CharField(
                blank=True,
                choices=[
                    ("binnen-provincie", "binnen één provincie"),
                    ("provinciebreed", "de hele provincie"),
                    ("bovenprovinciaal", "meer provincies"),
                    ("grensoverschrijdend", "over de landsgrens"),
                ],
                help_text="Where the participants are: one province, all of it, several, abroad.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="stand",
            name="aantal_gemeenten",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Dutch municipalities among the participants (gives the size).",
            ),
        ),
        migrations.AddField(
            model_name="samenwerking",
            name="soort_basis",
            field=models.CharField(
                default="",
                help_text="Why this kind: the register's legal form, its name or purpose text, "
                "or a curation row (fixtures/curation/soorten.csv, samenwerkingen.csv, "
                "indelingen.csv).",
                max_length=300,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deelname",
            name="rol_in_bron",
            field=models.CharField(
                blank=True,
                help_text="The role in the source's own word where it names one (the register: "
                "bronhouder), whatever `rol` says.",
                max_length=50,
            ),
        ),
    ]
