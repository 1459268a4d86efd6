from django.urls import path

from . import kaart, views

app_name = "gemeenten"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("kaart/", kaart.KaartView.as_view(), name="kaart"),
    path(
        "api/gemeenten.geojson",
        kaart.GemeentenGeoJSONView.as_view(),
        name="gemeenten_geojson",
    ),
    path("gemeenten/<slug:slug>/", views.GemeenteView.as_view(), name="gemeente"),
    path("samenwerkingen/<slug:slug>/", views.SamenwerkingView.as_view(), name="samenwerking"),
]
