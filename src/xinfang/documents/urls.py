from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/pdf/", views.download, {"fmt": "pdf"}, name="download_pdf"),
    path("<int:pk>/docx/", views.download, {"fmt": "docx"}, name="download_docx"),
    path("<int:pk>/delivery/", views.delivery, name="delivery"),
    path("<int:pk>/delivery/proof/", views.delivery_proof, name="delivery_proof"),
    path("petition/<int:petition_pk>/", views.petition_documents, name="petition_documents"),
]
