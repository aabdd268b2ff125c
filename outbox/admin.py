from django.contrib import admin, messages
from django.utils.html import format_html

from .models import Email
from .services import emails_send_again


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """What the site sent, is sending and could not send, with the reason; failed emails can be sent again."""

    # The status second: on a phone it is in view without scrolling the table.
    list_display = ["subject", "status_label", "recipients", "kind", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "to"]
    actions = ["send_again"]
    list_per_page = 50
    readonly_fields = [
        "kind", "recipients", "subject", "status", "attempts", "last_error", "next_attempt_at", "created_at",
        "sent_at", "message_id", "shown_text",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="to")
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.display(description="status", ordering="status")
    def status_label(self, email):
        if email.status == Email.Status.FAILED:
            return format_html('<strong class="status-failed">Failed</strong>: {}', email.last_error[:120])
        if email.status == Email.Status.PENDING and email.attempts:
            tries = f"{email.attempts} {'try' if email.attempts == 1 else 'tries'}"
            return format_html("Waiting to try again ({} so far): {}", tries, email.last_error[:120])
        return email.get_status_display()

    @admin.display(description="text")
    def shown_text(self, email):
        if email.secret:
            return "Not shown: it holds a secret link for its recipient."
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', email.text)

    @admin.action(description="Send again", permissions=["send"])
    def send_again(self, request, queryset):
        count = emails_send_again(queryset)
        if count:
            self.message_user(request, f"{count} failed email{'s' if count != 1 else ''} will be sent again.")
        else:
            self.message_user(request, "Only failed emails can be sent again.", messages.WARNING)

    def has_send_permission(self, request):
        return request.user.has_perm("outbox.send_email")
