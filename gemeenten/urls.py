from django.urls import path

from . import views

app_name = "gemeenten"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("gemeenten/<slug:slug>/", views.GemeenteView.as_view(), name="gemeente"),
    path("samenwerkingen/<slug:slug>/", views.SamenwerkingView.as_view(), name="samenwerking"),
]
